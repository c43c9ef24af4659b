package dev.ripple.auth;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** Anonymous reads on, and a tight rate limit: two changes at once, then one a minute. */
public class AnonymousReadProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("ripple.auth.anonymous-read", "true",
                "ripple.auth.rate-limit.per-minute", "1",
                "ripple.auth.rate-limit.burst", "2");
    }
}
