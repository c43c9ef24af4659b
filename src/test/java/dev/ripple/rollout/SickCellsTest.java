package dev.ripple.rollout;

import dev.ripple.testing.StubHttpServer;
import dev.ripple.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static dev.ripple.rollout.SickWorldProfile.MAX_ATTEMPTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fault matrix: one cell of ring 1 ({@code ea-2}) is sick in one way, over real HTTP, and a gradual or an
 * immediate rollout to ring 2 meets it. A gradual rollout retries within bounds and halts at ring 1 naming the cell;
 * an immediate one finishes and lists it; the cache marks it stale; and no cell is reported as holding what it does
 * not hold. The cell timeout here is 1 s, so the 10 s cell costs three timeouts, not three 10 s waits.
 */
@QuarkusTest
@TestProfile(SickWorldProfile.class)
class SickCellsTest extends OnASickWorld {
    private static final String SICK = "ea-2";

    /** How the cell is sick, the error kind Ripple must name, and the answers the cell gives each call. */
    enum Sickness {
        SERVER_ERROR("{\"errorRate\":1}", "server-error", 500),
        RATE_LIMITED("{\"rateLimitRate\":1}", "rate-limited", 429),
        TIMEOUT("{\"latencyMs\":1500}", "timeout", 0),
        SLOW_10_SECONDS("{\"latencyMs\":10000}", "timeout", 0),
        CONNECTION_REFUSED(null, "unreachable", -1),
        /** Answers the read before the change and the write, then drops every attempt to read it back. */
        FLAPPING("{\"flapUp\":2,\"flapDown\":3}", "unreachable", 0);

        final String faults;
        final String kind;
        /** What the cell answers a call it gets (0: nothing, the caller went away or the cell dropped it). */
        final int answer;

        Sickness(String faults, String kind, int answer) {
            this.faults = faults;
            this.kind = kind;
            this.answer = answer;
        }
    }

    private boolean topologyChanged;

    /** Makes {@code ea-2} sick, then starts a rollout to ring 2. */
    private int rolloutMeeting(Sickness sickness, String mode) {
        makeSick(sickness);
        return start(mode, 2);
    }

    private void makeSick(Sickness sickness) {
        if (sickness == Sickness.CONNECTION_REFUSED) {
            ring1(StubHttpServer.refusingUrl() + "/sandbox/cells/" + SICK);
            topologyChanged = true;
        } else {
            faults(SICK, sickness.faults);
        }
    }

    @AfterEach
    void healthyTopology() {
        if (topologyChanged) {
            ring1("sandbox://" + SICK);
        }
    }

    private static void ring1(String ea2Url) {
        SickWorldProfile.ring1(SickWorldProfile.RINGS, ea2Url);
        Tokens.as(Tokens.ADMIN).post("/api/v1/topology/reload").then().statusCode(200);
    }

    @ParameterizedTest
    @EnumSource(Sickness.class)
    void aGradualRolloutRetriesWithinBoundsThenHaltsAtTheRingNamingTheCell(Sickness sickness) {
        // When
        int id = rolloutMeeting(sickness, "gradual");

        // Then it halts at ring 1, saying which cell failed and how
        JsonPath halted = awaitState(id, "halted", Duration.ofSeconds(60));
        assertThat(halted.getInt("ring")).isEqualTo(1);
        assertThat(halted.getString("stateReason")).contains("ring 1").contains(SICK).contains(sickness.kind);
        assertThat(halted.getString("rings.find { it.ring == 1 }.cells.find { it.cell == '" + SICK + "' }.status"))
                .isEqualTo("failed");
        String error = halted.getString("rings.find { it.ring == 1 }.cells.find { it.cell == '" + SICK + "' }.error");
        assertThat(error).contains(sickness.kind);
        if (sickness == Sickness.FLAPPING) {
            assertThat(error).contains("accepted the write");
            assertThat(gates(SICK)).as("the write landed").contains(THREE_QUARTERS);
        } else {
            assertThat(gates(SICK)).as("never written").contains(HALF);
        }

        // And the sick cell got no more calls than the retries allow, each abandoned or refused as it should be
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(calls(SICK)).containsExactlyElementsOf(expectedCalls(sickness, "gradual")));

        // And ring 2 was never touched, ring 0 holds the change, and every report about a cell is true
        assertThat(callsTo("ga-1")).isEmpty();
        assertThat(callsTo("ga-2")).isEmpty();
        assertThat(gates("ga-1")).contains(dev.ripple.flags.Gates.OFF);
        assertThat(gates("qa-1")).contains(THREE_QUARTERS);
        assertEveryReportAboutACellIsTrue(id);
        assertTheCacheCallsTheSickCellStale(sickness);
    }

    @ParameterizedTest
    @EnumSource(Sickness.class)
    void anImmediateRolloutFinishesAndListsExactlyTheSickCell(Sickness sickness) {
        // When
        int id = rolloutMeeting(sickness, "immediate");

        // Then
        JsonPath done = awaitState(id, "completed-with-failures", Duration.ofSeconds(60));
        assertThat(done.getList("rings.cells.flatten().findAll { it.status == 'failed' }.cell"))
                .containsExactly(SICK);
        List<String> failures = done.getList("timeline.find { it.type == 'completed' }.detail.failures");
        assertThat(failures).singleElement().asString().startsWith(SICK + ": ").contains(sickness.kind);
        for (String healthy : List.of("qa-1", "ea-1", "ea-3", "ga-1", "ga-2")) {
            assertThat(gates(healthy)).as(healthy).contains(THREE_QUARTERS);
        }

        // And the sick cell was read and written no more often than the retries allow
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(calls(SICK)).containsExactlyElementsOf(expectedCalls(sickness, "immediate")));
        assertEveryReportAboutACellIsTrue(id);
        assertTheCacheCallsTheSickCellStale(sickness);
    }

    /**
     * The calls the sick cell gets, as "METHOD status": the read before the change fails, each call tried
     * {@code MAX_ATTEMPTS} times; a gradual rollout stops there, an immediate one writes anyway (and does not read
     * the cell again when its ring starts). The flapping cell answers the read and the write, then drops each attempt
     * to read the write back.
     */
    private static List<String> expectedCalls(Sickness sickness, String mode) {
        if (sickness == Sickness.CONNECTION_REFUSED) {
            return List.of();
        }
        if (sickness == Sickness.FLAPPING) {
            List<String> calls = new ArrayList<>(List.of("GET 200", "POST 201"));
            calls.addAll(Collections.nCopies(MAX_ATTEMPTS, "GET 0"));
            return calls;
        }
        List<String> calls = new ArrayList<>(Collections.nCopies(MAX_ATTEMPTS, "GET " + sickness.answer));
        if (mode.equals("immediate")) {
            calls.addAll(Collections.nCopies(MAX_ATTEMPTS, "POST " + sickness.answer));
        }
        return calls;
    }

    private static List<String> calls(String cell) {
        return callsTo(cell).stream().map(c -> c.get("method") + " " + c.get("status")).toList();
    }

    private static void assertTheCacheCallsTheSickCellStale(Sickness sickness) {
        JsonPath sick = Tokens.as(Tokens.VIEWER).get("/api/v1/cells/" + SICK + "/flags").then().statusCode(200)
                .extract().jsonPath();
        assertThat(sick.getBoolean("stale")).isTrue();
        assertThat(sick.getString("error")).contains(sickness.kind);
        assertThat(Tokens.as(Tokens.VIEWER).get("/api/v1/cells/ea-1/flags").then().statusCode(200)
                .extract().jsonPath().getBoolean("stale")).isFalse();
    }
}
