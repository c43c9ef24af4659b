package dev.ripple.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * For the property tests that send ten thousand bad requests in a row (docs/reliability.md, "Bad input at volume"):
 * the test profile with a rate limit no single principal reaches in such a run, so every request is answered on its
 * content rather than with 429.
 */
public class BadInputProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("ripple.auth.rate-limit.per-minute", "10000000", "ripple.auth.rate-limit.burst", "1000000");
    }
}
