package dev.ripple.chatops;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;
import java.util.Set;

/**
 * ChatOps with an audit log tests can read ({@link RecordingAuditLog}), and Slack commands that answer "working on
 * it" at once: every result follows through the request's {@code response_url}.
 */
public class ChatOpsProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("ripple.chatops.slack.reply-within", "0s");
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(RecordingAuditLog.class);
    }
}
