package dev.ripple.audit;

import dev.ripple.notify.FlagLogEntry;
import dev.ripple.testing.LogCapture;
import dev.ripple.testing.StubHttpServer;
import dev.ripple.testing.StubHttpServer.Answer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The GitLab feature-flag log against a real HTTP stub: the exact calls, retries, refusals, and the token's safety. */
class GitlabFlagLogTest {
    private static final String TOKEN = "glpat-flag-log-0123456789";
    private static final String LOG_ISSUES = "/api/v4/projects/ops%2Ffeature-flag-log/issues";

    private final StubHttpServer gitlab = StubHttpServer.start();
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private GitlabFlagLog log;

    @AfterEach
    void stop() {
        if (log != null) {
            log.stop();
        }
        gitlab.close();
    }

    private GitlabFlagLog log(Optional<String> project, Optional<String> token) {
        log = new GitlabFlagLog(new GitlabFlagLog.Settings(URI.create(gitlab.url()), project, "FLAG_LOG_TOKEN",
                List.of("feature flag", "ripple"), true, Duration.ofSeconds(2), 2, 3, Duration.ofMillis(10),
                Duration.ofMillis(40)), name -> name.equals("FLAG_LOG_TOKEN") ? token : Optional.empty(), registry);
        return log;
    }

    private static FlagLogEntry entry(String rolloutIssue) {
        return new FlagLogEntry("Feature flag 'new_search_ui' set to '25%' of actors on ring 2", "new_search_ui", 2,
                FlagLogEntry.CHANGE, "25% of actors", "42", "gradual", 3, "alice", "step 2 of the search rollout",
                rolloutIssue, List.of("eu-1: off → 25% of actors", "eu-2: off → 25% of actors"), List.of(), 0,
                Instant.parse("2026-11-21T10:15:30Z"));
    }

    /** GitLab as it answers: the new issue with its iid, the closed issue, the note. */
    private static Answer gitlabAnswers(StubHttpServer.Request request) {
        if (request.method().equals("POST") && request.path().equals(LOG_ISSUES)) {
            return Answer.json(201, "{\"id\": 9001, \"iid\": 17, \"state\": \"opened\"}");
        }
        if (request.method().equals("PUT") && request.path().equals(LOG_ISSUES + "/17")) {
            return Answer.json(200, "{\"id\": 9001, \"iid\": 17, \"state\": \"closed\"}");
        }
        if (request.method().equals("POST") && request.path().equals("/api/v4/projects/org%2Fsearch/issues/1/notes")) {
            return Answer.json(201, "{\"id\": 5}");
        }
        return Answer.json(404, "{\"message\": \"404 Not found\"}");
    }

    private double count(String outcome) {
        return registry.get("ripple.flag.log.gitlab").tag("outcome", outcome).counter().count();
    }

    @Test
    void anEntryBecomesAClosedIssueInTheLogProjectAndANoteOnTheRolloutIssue() {
        // Given
        gitlab.answer(GitlabFlagLogTest::gitlabAnswers);
        GitlabFlagLog log = log(Optional.of("ops/feature-flag-log"), Optional.of(TOKEN));

        // When
        log.offer(entry(gitlab.url() + "/org/search/-/issues/1#note_3"));

        // Then
        await().until(() -> count("delivered") == 1);
        List<StubHttpServer.Request> calls = gitlab.requests();
        assertThat(calls).extracting(StubHttpServer.Request::method, StubHttpServer.Request::path).containsExactly(
                org.assertj.core.groups.Tuple.tuple("POST", LOG_ISSUES),
                org.assertj.core.groups.Tuple.tuple("PUT", LOG_ISSUES + "/17"),
                org.assertj.core.groups.Tuple.tuple("POST", "/api/v4/projects/org%2Fsearch/issues/1/notes"));
        assertThat(calls).allSatisfy(call -> {
            assertThat(call.header("PRIVATE-TOKEN")).isEqualTo(TOKEN);
            assertThat(call.header("Content-Type")).isEqualTo("application/json");
            assertThat(call.authorization()).isNull();
        });
        JsonObject issue = new JsonObject(calls.get(0).body());
        assertThat(issue.fieldNames()).containsExactlyInAnyOrder("title", "description", "labels");
        assertThat(issue.getString("title")).isEqualTo("Feature flag 'new_search_ui' set to '25%' of actors on ring 2");
        assertThat(issue.getString("labels")).isEqualTo("feature flag,ripple");
        assertThat(issue.getString("description")).contains(
                "| Flag | `new_search_ui` |", "| Change | `25% of actors` |", "| Ring | 2 |",
                "| Rollout | 42 (gradual, up to ring 3) |", "| Requested by | `alice` |",
                "| Reason | `step 2 of the search rollout` |", "| At | 2026-11-21T10:15:30Z |",
                "**Cells changed (2)**\n\n- `eu-1: off → 25% of actors`\n- `eu-2: off → 25% of actors`\n");
        assertThat(new JsonObject(calls.get(1).body()).getMap()).isEqualTo(java.util.Map.of("state_event", "close"));
        assertThat(new JsonObject(calls.get(2).body()).getString("body")).startsWith(
                "**Feature-flag log:** `Feature flag 'new_search_ui' set to '25%' of actors on ring 2`\n\n| | |");
    }

    @Test
    void serverErrorsAreRetriedAndARefusalIsNot() {
        // Given GitLab fails the first attempt to create the issue, then refuses the second entry's issue
        AtomicInteger creates = new AtomicInteger();
        gitlab.answer(request -> {
            if (request.method().equals("POST") && request.path().equals(LOG_ISSUES)) {
                int n = creates.incrementAndGet();
                return n == 1 ? Answer.json(503, "{\"message\": \"try later\"}")
                        : n == 2 ? gitlabAnswers(request) : Answer.json(403, "{\"message\": \"403 Forbidden\"}");
            }
            return gitlabAnswers(request);
        });
        GitlabFlagLog log = log(Optional.of("ops/feature-flag-log"), Optional.of(TOKEN));

        // When
        try (LogCapture capture = LogCapture.start()) {
            log.offer(entry(null));
            log.offer(entry(null));
            await().until(() -> count("delivered") + count("failed") == 2);

            // Then the first is delivered on its second attempt, the second given up at once with a WARN
            assertThat(count("delivered")).isEqualTo(1);
            assertThat(count("failed")).isEqualTo(1);
            assertThat(gitlab.requests()).extracting(StubHttpServer.Request::method)
                    .containsExactly("POST", "POST", "PUT", "POST");
            assertThat(capture.lines()).anyMatch(line -> line.startsWith("WARN") && line.contains(
                    "gave up trying to create the log issue for rollout 42 after 1 attempt(s): HTTP 403"));
        }
    }

    @Test
    void aRolloutIssueOnAnotherServerGetsNoNoteAndNeverSeesTheToken() {
        // Given no log project, and a rollout issue on another host
        gitlab.answer(GitlabFlagLogTest::gitlabAnswers);
        GitlabFlagLog log = log(Optional.empty(), Optional.of(TOKEN));

        // When
        log.offer(entry("https://gitlab.elsewhere.example/org/search/-/issues/1"));
        log.offer(entry(gitlab.url() + "/org/search/-/merge_requests/1"));

        // Then nothing was sent anywhere
        assertThat(log.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(gitlab.requests()).isEmpty();
        assertThat(count("delivered")).isEqualTo(2);
    }

    @Test
    void withoutTheTokenNothingIsSent() {
        // Given
        gitlab.answer(GitlabFlagLogTest::gitlabAnswers);
        GitlabFlagLog log = log(Optional.of("ops/feature-flag-log"), Optional.empty());

        // When
        log.offer(entry(null));

        // Then
        await().until(() -> count("failed") == 1);
        assertThat(log.tokenMissing()).isTrue();
        assertThat(gitlab.requests()).isEmpty();
    }

    @Test
    void theTokenNeverReachesALogLineEvenWhenGitLabEchoesIt() {
        // Given GitLab refuses, quoting the token back
        gitlab.answer(Answer.json(401, "{\"message\": \"401 Unauthorized: token " + TOKEN + " revoked\"}"));
        GitlabFlagLog log = log(Optional.of("ops/feature-flag-log"), Optional.of(TOKEN));

        // When
        try (LogCapture capture = LogCapture.startWithAllOf("dev.ripple.audit")) {
            log.offer(entry(gitlab.url() + "/org/search/-/issues/1"));
            await().until(() -> count("failed") == 1);

            // Then
            assertThat(capture.lines()).anyMatch(line -> line.contains("HTTP 401") && line.contains("token ***"));
            assertThat(capture.lines()).noneMatch(line -> line.contains(TOKEN));
        }
    }

    @Test
    void aFullQueueDropsItsOldestEntryInsteadOfWaiting() {
        // Given GitLab never answers, so the first entry stays in flight
        gitlab.answer(Answer.never());
        GitlabFlagLog log = log(Optional.of("ops/feature-flag-log"), Optional.of(TOKEN));
        log.offer(entry(null));
        await().until(() -> gitlab.requests().size() == 1);

        // When three more come, with room for two
        log.offer(entry(null));
        log.offer(entry(null));
        log.offer(entry(null));

        // Then one was dropped, at once
        assertThat(count("dropped")).isEqualTo(1);
        assertThat(log.stop()).isEqualTo(2);
        assertThat(count("dropped")).isEqualTo(3);
    }

    @Test
    void anIssueLinkIsReadOnlyForThisGitLab() {
        URI base = URI.create("https://gitlab.example.com");
        URI underPath = URI.create("https://example.com/gitlab/");
        assertThat(GitlabFlagLog.IssueRef.on(base, "https://gitlab.example.com/org/search/-/issues/123"))
                .contains(new GitlabFlagLog.IssueRef("org/search", 123));
        assertThat(GitlabFlagLog.IssueRef.on(base, "https://GitLab.example.com:443/a/b/c/-/issues/7?x=1#note_2"))
                .contains(new GitlabFlagLog.IssueRef("a/b/c", 7));
        assertThat(GitlabFlagLog.IssueRef.on(base, "https://gitlab.example.com/org/search/issues/9"))
                .contains(new GitlabFlagLog.IssueRef("org/search", 9));
        assertThat(GitlabFlagLog.IssueRef.on(underPath, "https://example.com/gitlab/org/search/-/issues/4"))
                .contains(new GitlabFlagLog.IssueRef("org/search", 4));
        for (String other : List.of("https://gitlab.example.com:8443/org/search/-/issues/1",
                "https://gitlab.example.org/org/search/-/issues/1", "https://gitlab.example.com/org/search/-/issues",
                "https://gitlab.example.com/org/search/-/merge_requests/1", "not a url",
                "https://user:pw@gitlab.example.com/org/search/-/issues/1")) {
            assertThat(GitlabFlagLog.IssueRef.on(base, other)).as(other).isEmpty();
        }
        assertThat(GitlabFlagLog.IssueRef.on(underPath, "https://example.com/org/search/-/issues/4")).isEmpty();
    }

    @Test
    void whatPeopleWroteCannotMentionLinkOrRunAQuickAction() {
        // Given a reason and a requester written to do harm in GitLab Markdown
        FlagLogEntry entry = new FlagLogEntry("Feature flag 'x' set to 'true' on ring 1", "x", 1, FlagLogEntry.CHANGE,
                "on", "9", "immediate", 1, "@all", "fix\n/close\n| a | b ``` [x](https://evil)", null, List.of(),
                List.of("c1: rejected: `bad` value"), 0, Instant.parse("2026-11-21T10:15:30Z"));

        // When
        String description = FlagLogMarkdown.describe(entry);

        // Then
        assertThat(description.lines()).noneMatch(line -> line.startsWith("/"));
        assertThat(description).contains("| Requested by | `@all` |",
                "| Reason | ````fix /close \\| a \\| b ``` [x](https://evil)```` |",
                "- ``c1: rejected: `bad` value``");
    }
}
