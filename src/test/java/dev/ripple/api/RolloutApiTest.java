package dev.ripple.api;

import dev.ripple.sandbox.SandboxFleet;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.ripple.testing.Tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

/**
 * The rollout API over HTTP against the sandbox fleet. No Prometheus here (that is {@code RolloutEndToEndTest}): an
 * immediate rollout needs none, and a gradual one must halt rather than proceed without health data.
 */
@QuarkusTest
class RolloutApiTest {
    @Inject
    SandboxFleet fleet;

    @BeforeEach
    void freshFleet() {
        fleet.reset();
    }

    @AfterEach
    void endActiveRollouts() {
        List<Integer> active = Tokens.as(Tokens.SRE).get("/api/v1/rollouts?limit=500").then().extract().path("items.findAll { "
                + "!['completed','completed-with-failures','rolled-back','aborted'].contains(it.state) }.id");
        active.forEach(id -> Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body(Map.of("by", "cleanup"))
                .post("/api/v1/rollouts/" + id + "/abort"));
    }

    private static Map<String, Object> body(String flag, Map<String, Object> change, Object upTo, String mode) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("flag", flag);
        body.put("change", change);
        if (upTo != null) {
            body.put("upToRing", upTo);
        }
        body.put("mode", mode);
        body.put("requestedBy", "alice");
        body.put("reason", "api test");
        return body;
    }

    private boolean enabled(String cell, String flag) {
        return java.util.Optional.ofNullable(fleet.cell(cell).orElseThrow().flags().get(flag))
                .map(dev.ripple.flags.Gates::enabled).orElse(false);
    }

    private static String state(int id) {
        return Tokens.as(Tokens.SRE).get("/api/v1/rollouts/" + id).then().statusCode(200).extract().path("state");
    }

    @Test
    void anImmediateRolloutReachesEveryCellUpToItsRingAndNothingBeyond() {
        // When
        int id = Tokens.as(Tokens.SRE).contentType(ContentType.JSON)
                .body(body("ci_kill_switch", Map.of("type", "on"), 2, "immediate"))
                .post("/api/v1/rollouts")
                .then().statusCode(201).header("Location", containsString("/api/v1/rollouts/"))
                .extract().path("id");

        // Then
        await().atMost(Duration.ofSeconds(20)).until(() -> state(id).equals("completed"));
        Tokens.as(Tokens.SRE).get("/api/v1/rollouts/" + id).then()
                .body("rings.ring", equalTo(List.of(0, 1, 2)))
                .body("rings[2].cellsByStatus.applied", equalTo(4))
                .body("timeline.findAll { it.type == 'cell-changed' }", hasSize(8));
        assertThat(fleet.cell("ga-4").orElseThrow().flags().get("ci_kill_switch").enabled()).isTrue();
        assertThat(enabled("st-1", "ci_kill_switch")).as("ring 3 is beyond the rollout").isFalse();
        assertThat(enabled("q-1", "ci_kill_switch")).as("quarantine is never part of a ring rollout").isFalse();
        // The cache was refreshed by the read-backs: the state view already shows ring 2 on.
        Tokens.as(Tokens.SRE).get("/api/v1/flags/ci_kill_switch").then().statusCode(200)
                .body("rings.find { it.ring == 2 }.cells.find { it.cell == 'ga-1' }.state", equalTo("on"));

        // And a cell changed by hand afterwards shows as drifted from what Ripple set.
        Tokens.as(Tokens.SRE).header("PRIVATE-TOKEN", "sandbox-demo-token").formParam("value", "false")
                .post("/sandbox/cells/ga-1/api/v4/features/ci_kill_switch").then().statusCode(201);
        Tokens.as(Tokens.SRE).post("/api/v1/cache/refresh").then().statusCode(200);
        Tokens.as(Tokens.SRE).get("/api/v1/flags/ci_kill_switch/desired").then().statusCode(200)
                .body("drifted", equalTo(1))
                .body("cells.find { it.cell == 'ga-1' }.desired", equalTo("on"))
                .body("cells.find { it.cell == 'ga-1' }.observed", equalTo("off"))
                .body("cells.find { it.cell == 'ga-2' }.drifted", equalTo(false));
    }

    @Test
    void aRolloutChangesTheFlagInTheCacheOfCellsItKnowsWithoutCountingThemAsReadInFull() {
        // Given every cell read in full
        Tokens.as(Tokens.SRE).post("/api/v1/cache/refresh").then().statusCode(200);
        String readAt = Tokens.as(Tokens.SRE).get("/api/v1/flags/ci_kill_switch").then().statusCode(200)
                .extract().path("rings.find { it.ring == 1 }.cells.find { it.cell == 'ea-1' }.readAt");

        // When
        int id = Tokens.as(Tokens.SRE).contentType(ContentType.JSON)
                .body(body("ci_kill_switch", Map.of("type", "on"), 1, "immediate"))
                .post("/api/v1/rollouts").then().statusCode(201).extract().path("id");

        // Then the state view shows the flag on at once, and the cell's other flags as read before
        await().atMost(Duration.ofSeconds(20)).until(() -> state(id).equals("completed"));
        Tokens.as(Tokens.SRE).get("/api/v1/flags/ci_kill_switch").then().statusCode(200)
                .body("rings.find { it.ring == 1 }.cells.find { it.cell == 'ea-1' }.state", equalTo("on"))
                .body("rings.find { it.ring == 1 }.cells.find { it.cell == 'ea-1' }.readAt", equalTo(readAt));
    }

    @Test
    void aDryRunShowsThePlanAndStartsNothing() {
        // When
        Tokens.as(Tokens.SRE).contentType(ContentType.JSON)
                .body(body("new_search_ui", Map.of("type", "percentage-of-actors", "percentage", 25), 2, "gradual"))
                .post("/api/v1/rollouts?dryRun=true")
                .then().statusCode(200)
                // Then
                .body("rings.ring", equalTo(List.of(0, 1, 2)))
                .body("rings[1].cells.cell", equalTo(List.of("ea-1", "ea-2", "ea-3")))
                .body("rings[1].checks.find { it.check == 'error-ratio' }.halt", equalTo(0.01f))
                .body("rings[1].checks.find { it.check == 'error-ratio' }.rollback", equalTo(0.03f))
                .body("rings[1].checks.find { it.check == 'error-ratio' }.query", containsString("ea-1|ea-2|ea-3"))
                .body("rings[1].cells[0].after", equalTo("25% of actors"))
                .body("change", equalTo("25% of actors"));
        Tokens.as(Tokens.SRE).get("/api/v1/rollouts?flag=new_search_ui").then().body("items", hasSize(0));
    }

    @Test
    void withoutHealthDataAGradualRolloutHaltsInsteadOfProceeding() {
        // When
        int id = Tokens.as(Tokens.SRE).contentType(ContentType.JSON)
                .body(body("pricing_page_experiment", Map.of("type", "on"), 1, "gradual"))
                .post("/api/v1/rollouts").then().statusCode(201).extract().path("id");

        // Then
        await().atMost(Duration.ofSeconds(20)).until(() -> state(id).equals("halted"));
        Tokens.as(Tokens.SRE).get("/api/v1/rollouts/" + id).then()
                .body("stateReason", containsString("no conclusive health verdict in 3 evaluations"))
                .body("rings[0].cellsByStatus.pending", equalTo(1));
        assertThat(fleet.cell("qa-1").orElseThrow().flags().get("pricing_page_experiment").enabled())
                .as("seeded on in ring 0, and nothing was applied").isTrue();
    }

    @Test
    void oneActiveRolloutPerFlagAndOperationsOnlyWhereTheyMakeSense() {
        // Given a halted rollout
        int id = Tokens.as(Tokens.SRE).contentType(ContentType.JSON)
                .body(body("new_search_ui", Map.of("type", "on"), 1, "gradual"))
                .post("/api/v1/rollouts").then().statusCode(201).extract().path("id");
        await().atMost(Duration.ofSeconds(20)).until(() -> state(id).equals("halted"));

        // When / Then
        Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body(body("new_search_ui", Map.of("type", "off"), 1, "gradual"))
                .post("/api/v1/rollouts").then().statusCode(409).contentType("application/problem+json")
                .body("code", equalTo("rollout-active")).body("activeRollout", equalTo(id));
        Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body(Map.of("by", "bob"))
                .post("/api/v1/rollouts/" + id + "/promote").then().statusCode(409)
                .body("code", equalTo("operation-not-allowed")).body("state", equalTo("halted"));
        Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body(Map.of("by", "bob", "reason", "not today"))
                .post("/api/v1/rollouts/" + id + "/abort").then().statusCode(200).body("state", equalTo("aborted"));
        Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body(Map.of("by", "bob"))
                .post("/api/v1/rollouts/" + id + "/resume").then().statusCode(409).body("state", equalTo("aborted"));
        Tokens.as(Tokens.SRE).get("/api/v1/rollouts/" + id).then()
                .body("timeline.find { it.type == 'abort' }.actor", equalTo("test-sre"))
                .body("timeline.find { it.type == 'abort' }.message", containsString("not today"));
    }

    @Test
    void theSameIdempotencyKeyReturnsTheSameRollout() {
        Map<String, Object> body = body("ci_kill_switch", Map.of("type", "off"), 0, "immediate");
        int first = Tokens.as(Tokens.SRE).contentType(ContentType.JSON).header("Idempotency-Key", "k-123").body(body)
                .post("/api/v1/rollouts").then().statusCode(201).extract().path("id");

        Tokens.as(Tokens.SRE).contentType(ContentType.JSON).header("Idempotency-Key", "k-123").body(body)
                .post("/api/v1/rollouts").then().statusCode(200).body("id", equalTo(first));
        Tokens.as(Tokens.SRE).contentType(ContentType.JSON).header("Idempotency-Key", "k-123")
                .body(body("ci_kill_switch", Map.of("type", "on"), 0, "immediate"))
                .post("/api/v1/rollouts").then().statusCode(422).body("code", equalTo("idempotency-key-reused"));
    }

    @Test
    void badRequestsAreRefusedWithAStableCodeAndStartNothing() {
        record Case(Map<String, Object> body, String code) {
        }
        Map<String, Object> quarantineAndRing = body("new_search_ui", Map.of("type", "on"), 1, "gradual");
        quarantineAndRing.put("cells", List.of("q-1"));
        Map<String, Object> outsideQuarantine = body("new_search_ui", Map.of("type", "on"), null, "gradual");
        outsideQuarantine.put("cells", List.of("q-1", "ea-1"));
        Map<String, Object> noRing = body("new_search_ui", Map.of("type", "on"), null, "gradual");
        List<Case> cases = List.of(
                new Case(body("no_such_flag", Map.of("type", "on"), 1, "gradual"), "unknown-flag-definition"),
                new Case(body("new_search_ui", Map.of("type", "on"), 9, "gradual"), "ring-out-of-range"),
                new Case(body("new_search_ui", Map.of("type", "on"), -1, "gradual"), "ring-out-of-range"),
                new Case(body("new_search_ui", Map.of("type", "percentage-of-actors", "percentage", 101), 1,
                        "gradual"), "invalid-change"),
                new Case(body("new_search_ui", Map.of("type", "sideways"), 1, "gradual"), "invalid-change"),
                new Case(body("new_search_ui", Map.of("type", "on", "percentage", 5), 1, "gradual"),
                        "contradictory-options"),
                new Case(quarantineAndRing, "contradictory-options"),
                new Case(outsideQuarantine, "cell-not-in-quarantine"),
                new Case(body("new_search_ui", Map.of("type", "add-actors", "actorKind", "user", "actors",
                        List.of("alice")), 2, "gradual"), "actor-change-not-outermost"),
                new Case(body("new_search_ui", Map.of("type", "on"), 1, "sometimes"), "bad-parameter"),
                new Case(noRing, "bad-parameter"));
        for (Case c : cases) {
            Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body(c.body()).post("/api/v1/rollouts")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("code", equalTo(c.code())).body("detail", notNullValue());
        }
        Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body("{\"flag\": ").post("/api/v1/rollouts")
                .then().statusCode(400).body("code", equalTo("malformed-body"));
        Tokens.as(Tokens.SRE).get("/api/v1/rollouts?flag=new_search_ui").then().body("items", hasSize(0));
    }

    @Test
    void aFieldOfTheWrongTypeIsNamedInJsonTermsWithoutJavaTypes() {
        // When: a percentage that is not a number (found by ApiPayloadsPropertyTest)
        Map<String, Object> body = body("new_search_ui", Map.of("type", "percentage-of-time", "percentage", "lots"), 1,
                "gradual");

        // Then
        Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body(body).post("/api/v1/rollouts?dryRun=true")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("malformed-body"))
                .body("field", equalTo("change.percentage"))
                .body("detail", containsString("change.percentage: Cannot deserialize value of type a number"))
                .body("detail", org.hamcrest.Matchers.not(containsString("java.")));
    }

    @Test
    void aRingOutOfRangeIsNamedAsTheUpToRingField() {
        // When (found by ApiPayloadsPropertyTest)
        Map<String, Object> body = body("new_search_ui", Map.of("type", "on"), 9, "gradual");

        // Then
        Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body(body).post("/api/v1/rollouts?dryRun=true")
                .then().statusCode(400).body("code", equalTo("ring-out-of-range"))
                .body("field", equalTo("upToRing"))
                .body("detail", equalTo("upToRing: ring 9 is not a ring to roll out to; choose one of [0, 1, 2, 3]"));
    }
}
