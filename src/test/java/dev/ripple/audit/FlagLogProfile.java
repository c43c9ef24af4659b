package dev.ripple.audit;

import dev.ripple.testing.StubHttpServer;
import dev.ripple.testing.StubHttpServer.Answer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ripple with its feature-flag log going to a stub GitLab (closed issues in {@code ops/feature-flag-log}, notes on
 * rollout issues) and to a JSON webhook sink that asks for the flag-log event only, both authenticating with secrets
 * taken from configuration the way production takes them from the environment.
 */
public class FlagLogProfile implements QuarkusTestProfile {
    static final String GITLAB_TOKEN = "glpat-e2e-flag-log-token-4242";
    static final String HOOK_TOKEN = "Bearer hook-secret-token-7777";
    static final String LOG_ISSUES = "/api/v4/projects/ops%2Ffeature-flag-log/issues";
    static final String HOOK = "/hooks/flag-log";

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(GitlabResource.class));
    }

    /** The stub serves GitLab's API and the webhook; it starts before Ripple so Ripple's config can name it. */
    public static class GitlabResource implements QuarkusTestResourceLifecycleManager {
        static volatile StubHttpServer gitlab;

        @Override
        public Map<String, String> start() {
            AtomicInteger iids = new AtomicInteger(100);
            gitlab = StubHttpServer.start().answer(request -> {
                if (request.method().equals("POST") && request.path().equals(LOG_ISSUES)) {
                    return Answer.json(201, "{\"iid\": " + iids.incrementAndGet() + "}");
                }
                if (request.method().equals("PUT") && request.path().startsWith(LOG_ISSUES + "/")) {
                    return Answer.json(200, "{\"state\": \"closed\"}");
                }
                if (request.method().equals("POST") && request.path().endsWith("/notes")) {
                    return Answer.json(201, "{\"id\": 1}");
                }
                return request.path().equals(HOOK) ? Answer.status(204) : Answer.json(404, "{}");
            });
            return Map.of(
                    "ripple.flag-log.gitlab.url", gitlab.url(),
                    "ripple.flag-log.gitlab.project", "ops/feature-flag-log",
                    "ripple.flag-log.gitlab.token-env", "RIPPLE_TEST_FLAG_LOG_TOKEN",
                    "RIPPLE_TEST_FLAG_LOG_TOKEN", GITLAB_TOKEN,
                    "ripple.notify.sinks.flag-log.url", gitlab.url() + HOOK,
                    "ripple.notify.sinks.flag-log.events", "flag-log",
                    "ripple.notify.sinks.flag-log.header-name", "Authorization",
                    "ripple.notify.sinks.flag-log.header-value-env", "RIPPLE_TEST_HOOK_TOKEN",
                    "RIPPLE_TEST_HOOK_TOKEN", HOOK_TOKEN);
        }

        @Override
        public void stop() {
            if (gitlab != null) {
                gitlab.close();
            }
        }
    }
}
