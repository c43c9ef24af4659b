package dev.ripple.rollout;

import dev.ripple.flags.Gates;
import dev.ripple.sandbox.SandboxCell;
import dev.ripple.sandbox.SandboxFleet;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.ripple.rollout.RolloutE2EProfile.FLAG;
import dev.ripple.testing.Tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/**
 * Rollouts over HTTP on the sandbox fleet, gated by a real Prometheus server scraping it (Debian package
 * {@code prometheus}; {@code .ci/run} installs it). The sandbox seeds the flag on in ring 0, 50% of actors in ring 1
 * and off in ring 2; every rollout here sets 75% of actors.
 */
@QuarkusTest
@TestProfile(RolloutE2EProfile.class)
class RolloutEndToEndTest {
    private static final Gates HALF = Gates.OFF.withPercentageOfActors(new BigDecimal(50));
    private static final Gates THREE_QUARTERS = Gates.OFF.withPercentageOfActors(new BigDecimal(75));

    @Inject
    SandboxFleet fleet;

    @BeforeEach
    void healthyFleetScraped() {
        org.junit.jupiter.api.Assumptions.assumeTrue(RolloutE2EProfile.PrometheusResource.prometheus != null,
                RolloutE2EProfile.PrometheusResource.missing);
        fleet.reset();
        RolloutE2EProfile.PrometheusResource.prometheus.awaitTargetUp();
    }

    @AfterEach
    void endWhatIsLeft() {
        if (RolloutE2EProfile.PrometheusResource.prometheus == null) {
            return;
        }
        fleet.cells().forEach(SandboxCell::resetFaults);
        List<Integer> active = Tokens.as(Tokens.SRE).get("/api/v1/rollouts?limit=500").then().extract().path("items.findAll { "
                + "!['completed','completed-with-failures','rolled-back','aborted'].contains(it.state) }.id");
        active.forEach(id -> Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body(Map.of("by", "cleanup"))
                .post("/api/v1/rollouts/" + id + "/abort"));
        List<String> incidents = Tokens.as(Tokens.SRE).get("/api/v1/incidents").then().extract()
                .path("incidents.findAll { it.source == 'api' }.id");
        incidents.forEach(id -> Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body(Map.of("closedBy", "cleanup"))
                .post("/api/v1/incidents/" + id + "/close"));
    }

    private static int start(String mode) {
        Map<String, Object> body = new HashMap<>();
        body.put("flag", FLAG);
        body.put("change", Map.of("type", "percentage-of-actors", "percentage", 75));
        body.put("upToRing", 2);
        body.put("mode", mode);
        body.put("requestedBy", "alice");
        return Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body(body).post("/api/v1/rollouts")
                .then().statusCode(201).extract().path("id");
    }

    private static String state(int id) {
        String state = Tokens.as(Tokens.SRE).get("/api/v1/rollouts/" + id).then().extract().path("state");
        if (state.equals("halted") || state.equals("rolled-back")) {
            System.out.println("rollout " + id + " " + state + ": "
                    + Tokens.as(Tokens.SRE).get("/api/v1/rollouts/" + id).then().extract().path("stateReason"));
        }
        return state;
    }

    private Optional<Gates> gates(String cell) {
        return fleet.cell(cell).orElseThrow().flag(FLAG);
    }

    private void errorRatio(double ratio, String... cells) {
        for (String cell : cells) {
            fleet.cell(cell).orElseThrow().updateFaults(f -> f.withReportedErrorRatio(ratio));
        }
    }

    @Test
    void aGradualRolloutToRingTwoCompletesWhileTheRingsAreHealthy() {
        // When
        int id = start("gradual");

        // Then
        await().atMost(Duration.ofSeconds(90)).until(() -> state(id).equals("completed"));
        for (String cell : List.of("qa-1", "ea-1", "ea-2", "ea-3", "ga-1", "ga-2")) {
            assertThat(gates(cell)).as(cell).contains(THREE_QUARTERS);
        }
        Tokens.as(Tokens.SRE).get("/api/v1/rollouts/" + id).then()
                .body("timeline.findAll { it.type == 'check' }.message",
                        org.hamcrest.Matchers.hasItem(containsString("error-ratio on ring 2 0 <= halt 0.05")))
                .body("timeline.findAll { it.type == 'ring-done' }.size()", org.hamcrest.Matchers.equalTo(3));
        assertThat(gates("q-1")).as("quarantine is never part of a ring rollout").isEmpty();
    }

    @Test
    void aRingGoingBadHaltsTheRolloutAndGoingWorseRollsEveryTouchedCellBack() {
        // Given ring 1 is baking
        int id = start("gradual");
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            var r = Tokens.as(Tokens.SRE).get("/api/v1/rollouts/" + id).then().extract().jsonPath();
            return Integer.valueOf(1).equals(r.get("ring")) && "bake".equals(r.get("phase"));
        });

        // When one of its cells reports 10% errors
        errorRatio(0.1, "ea-2");

        // Then it halts with the one-line reason
        await().atMost(Duration.ofSeconds(30)).until(() -> state(id).equals("halted"));
        Tokens.as(Tokens.SRE).get("/api/v1/rollouts/" + id).then()
                .body("stateReason", containsString("error-ratio on ring 1 0.1 > halt 0.05"));

        // And when it gets worse, past the rollback threshold, every touched cell goes back
        errorRatio(0.5, "ea-2");
        await().atMost(Duration.ofSeconds(30)).until(() -> state(id).equals("rolled-back"));
        assertThat(gates("qa-1")).contains(Gates.OFF.withEnabled(true));
        assertThat(gates("ea-1")).contains(HALF);
        assertThat(gates("ea-2")).contains(HALF);
        assertThat(gates("ga-1")).as("ring 2 was never reached").contains(Gates.OFF);
        Tokens.as(Tokens.SRE).get("/api/v1/rollouts/" + id).then()
                .body("stateReason", containsString("error-ratio on ring 1 0.5 > rollback 0.2"));
    }

    @Test
    void anImmediateRolloutIgnoresBadMetrics() {
        // Given
        errorRatio(0.9, "qa-1", "ea-1", "ea-2", "ea-3", "ga-1", "ga-2");

        // When
        int id = start("immediate");

        // Then
        await().atMost(Duration.ofSeconds(30)).until(() -> state(id).equals("completed"));
        assertThat(gates("ga-2")).contains(THREE_QUARTERS);
    }

    @Test
    void anIncidentOnARingBlocksTheRolloutAndClosingItUnblocks() {
        // Given an incident on ring 0
        String incident = Tokens.as(Tokens.SRE).contentType(ContentType.JSON)
                .body(Map.of("ring", 0, "severity", "sev2", "title", "Login errors", "openedBy", "sre-bob"))
                .post("/api/v1/incidents").then().statusCode(201).extract().path("id");

        // When
        int id = start("gradual");

        // Then it waits, touching nothing
        await().atMost(Duration.ofSeconds(30)).until(() -> state(id).equals("blocked"));
        Tokens.as(Tokens.SRE).get("/api/v1/rollouts/" + id).then().body("stateReason", containsString("Login errors"));
        assertThat(gates("qa-1")).contains(Gates.OFF.withEnabled(true));

        // And closing the incident lets it carry on by itself
        Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body(Map.of("closedBy", "sre-bob"))
                .post("/api/v1/incidents/" + incident + "/close").then().statusCode(200);
        await().atMost(Duration.ofSeconds(90)).until(() -> state(id).equals("completed"));
        Tokens.as(Tokens.SRE).get("/api/v1/rollouts/" + id).then()
                .body("timeline.type", org.hamcrest.Matchers.hasItems("blocked", "unblocked", "completed"));
    }
}
