package dev.ripple.audit;

import dev.ripple.sandbox.SandboxFleet;
import dev.ripple.testing.LogCapture;
import dev.ripple.testing.StubHttpServer;
import dev.ripple.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.ripple.audit.FlagLogProfile.GITLAB_TOKEN;
import static dev.ripple.audit.FlagLogProfile.HOOK;
import static dev.ripple.audit.FlagLogProfile.HOOK_TOKEN;
import static dev.ripple.audit.FlagLogProfile.LOG_ISSUES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rollouts through the API on the sandbox fleet, with the feature-flag log going to a stub GitLab and a webhook: what
 * reaches GitLab and the sinks, what the audit trail says, and that no secret (API tokens, the sandbox cells' admin
 * token, the GitLab token, the webhook's header) shows in a log line, a response or the audit trail.
 */
@QuarkusTest
@TestProfile(FlagLogProfile.class)
class FlagLogEndToEndTest {
    private static final String FLAG = "ci_kill_switch";
    private static final List<String> SECRETS = List.of(Tokens.VIEWER, Tokens.ENGINEER, Tokens.SRE, Tokens.ADMIN,
            Tokens.BOT, "sandbox-demo-token", GITLAB_TOKEN, HOOK_TOKEN, HOOK_TOKEN.substring("Bearer ".length()));

    @Inject
    SandboxFleet fleet;

    private StubHttpServer gitlab;

    @BeforeEach
    void freshFleet() {
        fleet.reset();
        gitlab = FlagLogProfile.GitlabResource.gitlab;
    }

    private static Map<String, Object> rollout(String mode, Object change, String issue) {
        Map<String, Object> body = new HashMap<>();
        body.put("flag", FLAG);
        body.put("change", change);
        body.put("upToRing", 1);
        body.put("mode", mode);
        body.put("reason", "flag log test");
        if (issue != null) {
            body.put("rolloutIssue", issue);
        }
        return body;
    }

    private static String state(Object id) {
        return Tokens.as(Tokens.VIEWER).get("/api/v1/rollouts/" + id).then().extract().path("state");
    }

    private List<StubHttpServer.Request> since(int index) {
        List<StubHttpServer.Request> all = gitlab.requests();
        return all.subList(Math.min(index, all.size()), all.size());
    }

    @Test
    void eachRingOfARolloutBecomesAClosedLogIssueANoteOnItsRolloutIssueAndAFlagLogEvent() {
        // Given
        int before = gitlab.requests().size();
        String issue = gitlab.url() + "/org/search/-/issues/5";

        // When
        int id = Tokens.as(Tokens.SRE).contentType(ContentType.JSON)
                .body(rollout("immediate", Map.of("type", "percentage-of-time", "percentage", 37), issue))
                .post("/api/v1/rollouts").then().statusCode(201).extract().path("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> state(id).equals("completed"));

        // Then GitLab got, per ring, the log issue created then closed, and a note on the rollout issue
        await().atMost(Duration.ofSeconds(30)).until(() -> since(before).stream()
                .filter(r -> !r.path().equals(HOOK)).count() == 6);
        List<StubHttpServer.Request> calls = new ArrayList<>(since(before));
        List<StubHttpServer.Request> hooks = calls.stream().filter(r -> r.path().equals(HOOK)).toList();
        calls.removeAll(hooks);
        String note = "POST /api/v4/projects/org%2Fsearch/issues/5/notes";
        assertThat(calls).extracting(r -> r.method() + " " + r.path().replaceAll("/issues/\\d{3}$", "/issues/IID"))
                .containsExactly("POST " + LOG_ISSUES, "PUT " + LOG_ISSUES + "/IID", note,
                        "POST " + LOG_ISSUES, "PUT " + LOG_ISSUES + "/IID", note);
        assertThat(calls).allSatisfy(call -> assertThat(call.header("PRIVATE-TOKEN")).isEqualTo(GITLAB_TOKEN));
        assertThat(new JsonObject(calls.get(0).body()).getString("title"))
                .isEqualTo("Feature flag 'ci_kill_switch' set to '37%' of time on ring 0");
        assertThat(new JsonObject(calls.get(3).body()).getString("title"))
                .isEqualTo("Feature flag 'ci_kill_switch' set to '37%' of time on ring 1");
        assertThat(new JsonObject(calls.get(1).body()).getString("state_event")).isEqualTo("close");
        assertThat(new JsonObject(calls.get(0).body()).getString("description"))
                .contains("| Rollout | " + id + " (immediate, up to ring 1) |", "| Rollout issue | " + issue + " |");

        // And the webhook sink got the same two entries as flag-log events, with its own secret header
        await().atMost(Duration.ofSeconds(30)).until(() -> since(before).stream()
                .filter(r -> r.path().equals(HOOK)).count() == 2);
        List<JsonObject> events = since(before).stream().filter(r -> r.path().equals(HOOK))
                .map(r -> new JsonObject(r.body())).toList();
        assertThat(events).extracting(e -> e.getString("event")).containsOnly("flag-log");
        assertThat(events).extracting(e -> e.getInteger("ring")).containsExactly(0, 1);
        assertThat(since(before).stream().filter(r -> r.path().equals(HOOK)))
                .allSatisfy(r -> assertThat(r.authorization()).isEqualTo(HOOK_TOKEN));

        // And the audit trail has each cell's change
        List<Map<String, Object>> changes = Tokens.as(Tokens.VIEWER)
                .get("/api/v1/audit?kind=gate-change&flag=" + FLAG + "&limit=500").then().statusCode(200)
                .extract().path("items.findAll { it.rolloutId == " + id + " }");
        assertThat(changes).extracting(c -> (Object) ((Map<?, ?>) c.get("afterGates")).get("percentageOfTime"))
                .containsOnly((Object) 37);
        assertThat(changes).extracting(c -> c.get("principal")).containsOnly("test-sre");
        assertThat(changes).extracting(c -> c.get("cell")).containsExactlyInAnyOrderElementsOf(
                fleet.cells().stream().map(c -> c.id()).filter(c -> c.equals("qa-1") || c.startsWith("ea-")).toList());
    }

    @Test
    void noSecretShowsInALogLineAResponseOrTheAuditTrail() {
        // Given every log line captured, DEBUG included
        List<String> seen = new ArrayList<>();
        try (LogCapture capture = LogCapture.startWithAllOf("dev.ripple")) {
            // When mutating calls of every kind go through the API: accepted, refused, unauthenticated, with a token
            // pasted into a body field and a query parameter
            Map<String, Object> pasted = rollout("gradual", Map.of("type", "on"), null);
            pasted.put("token", Tokens.SRE);
            pasted.put("headers", Map.of("Authorization", "Bearer " + Tokens.ADMIN, "PRIVATE-TOKEN", GITLAB_TOKEN));
            seen.add(show(Tokens.as(Tokens.ENGINEER).contentType(ContentType.JSON).body(pasted)
                    .post("/api/v1/rollouts?dryRun=true&private_token=" + GITLAB_TOKEN)));
            Response started = Tokens.as(Tokens.SRE).contentType(ContentType.JSON)
                    .body(rollout("immediate", Map.of("type", "on"), gitlab.url() + "/org/search/-/issues/6"))
                    .post("/api/v1/rollouts");
            seen.add(show(started));
            int id = started.then().statusCode(201).extract().path("id");
            await().atMost(Duration.ofSeconds(30)).until(() -> state(id).startsWith("completed"));
            seen.add(show(Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body(Map.of("reason", "probe"))
                    .post("/api/v1/rollouts/" + id + "/pause")));
            seen.add(show(Tokens.as("not-a-token-" + Tokens.SRE).contentType(ContentType.JSON)
                    .body(rollout("immediate", Map.of("type", "off"), null)).post("/api/v1/rollouts")));
            seen.add(show(Tokens.as(Tokens.VIEWER).contentType(ContentType.JSON).body("{\"token\": \""
                    + Tokens.ADMIN + "\", ").post("/api/v1/rollouts")));
            Response opened = Tokens.as(Tokens.SRE).contentType(ContentType.JSON)
                    .body(Map.of("ring", 3, "title", "probe")).post("/api/v1/incidents");
            seen.add(show(opened));
            seen.add(show(Tokens.as(Tokens.SRE).post("/api/v1/incidents/" + opened.path("id") + "/close")));
            Response issued = Tokens.as(Tokens.ADMIN).contentType(ContentType.JSON)
                    .body(Map.of("principal", "probe-bot", "roles", List.of("viewer"))).post("/api/v1/tokens");
            // The answer that issues a token shows it, once, by design; everything after must not.
            String issuedToken = issued.then().statusCode(201).extract().path("token");
            seen.add(show(Tokens.as(issuedToken).get("/api/v1/audit?limit=1")));
            seen.add(show(Tokens.as(Tokens.ADMIN).delete("/api/v1/tokens/" + issued.path("info.id"))));
            seen.add(show(Tokens.as(Tokens.ADMIN).post("/api/v1/topology/reload")));
            seen.add(show(Tokens.as(Tokens.ADMIN).post("/api/v1/cache/refresh")));
            await().atMost(Duration.ofSeconds(30)).until(() -> gitlab.requests().stream()
                    .anyMatch(r -> r.path().equals("/api/v4/projects/org%2Fsearch/issues/6/notes")));
            seen.add(show(Tokens.as(Tokens.VIEWER).get("/api/v1/audit?limit=500")));
            seen.add(show(Tokens.as(Tokens.VIEWER).get("/api/v1/rollouts/" + id)));

            // Then
            String audit = Tokens.as(Tokens.VIEWER).get("/api/v1/audit?limit=500").asString();
            JsonObject pastedEntry = new JsonObject(audit).getJsonArray("items").stream().map(JsonObject.class::cast)
                    .filter(e -> String.valueOf(e.getString("action")).endsWith("&private_token=***"))
                    .findFirst().orElseThrow();
            JsonObject pastedBody = new JsonObject(pastedEntry.getString("request"));
            assertThat(pastedBody.getString("token")).isEqualTo("***");
            assertThat(pastedBody.getJsonObject("headers").getMap()).containsOnlyKeys("Authorization", "PRIVATE-TOKEN")
                    .allSatisfy((name, value) -> assertThat(value).isEqualTo("***"));
            List<String> logged = capture.lines();
            assertThat(logged).isNotEmpty();
            List<String> bodiesSentOut = gitlab.requests().stream().map(StubHttpServer.Request::body).toList();
            List<String> secrets = new ArrayList<>(SECRETS);
            secrets.add(issuedToken);
            for (String secret : secrets) {
                assertThat(String.join("\n", seen)).as("responses").doesNotContain(secret);
                assertThat(audit).as("the audit trail").doesNotContain(secret);
                assertThat(logged).as("log lines").noneMatch(line -> line.contains(secret));
                assertThat(bodiesSentOut).as("what GitLab and the webhook were sent").noneMatch(b -> b.contains(secret));
            }
        }
    }

    /** A response as a reader sees it: status, headers and body. */
    private static String show(Response response) {
        return response.getStatusLine() + "\n" + response.getHeaders() + "\n" + response.asString();
    }
}
