package dev.ripple.rollout;

import dev.ripple.testing.StubHttpServer;
import dev.ripple.testing.StubHttpServer.Answer;
import dev.ripple.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.ripple.rollout.SickWorldProfile.MAX_INCONCLUSIVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Prometheus falls ill while ring 0 bakes: down, slow, empty, NaN, unreadable or failing. No gradual rollout leaves a
 * bake without a conclusive healthy verdict: it halts after {@code max-inconclusive} evaluations naming the problem,
 * ring 1 is never written, and once Prometheus is healthy again an operator's resume takes it to the end.
 */
@QuarkusTest
@TestProfile(SickWorldProfile.class)
class SickPrometheusTest extends OnASickWorld {

    /** What the sick Prometheus does, and the words the halt reason must use for it. */
    enum Sickness {
        DOWN(Answer.never(), "could not be reached"),
        SLOW(Answer.never(), "did not answer within 500 ms"),
        EMPTY_RESULT(Answer.json("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}"),
                "no data"),
        NAN(Answer.json("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
                + "[{\"metric\":{},\"value\":[1700000000,\"NaN\"]}]}}"), "NaN"),
        MALFORMED(Answer.json("{\"status\":\"success\",\"data\":"), "not a query result"),
        SERVER_ERROR(Answer.text(503, "upstream unavailable"), "Prometheus answered HTTP 503");

        final Answer answer;
        final String named;

        Sickness(Answer answer, String named) {
            this.answer = answer;
            this.named = named;
        }
    }

    @ParameterizedTest
    @EnumSource(Sickness.class)
    void noBakeEndsWithoutAConclusiveHealthyVerdictAndAResumeRecovers(Sickness sickness) {
        // Given a Prometheus that answers ring 0's preflight healthily and then falls ill. A sickness that answers
        // at once gets a generous timeout: a busy machine's pause must not turn its answer into "did not answer".
        AtomicInteger queries = new AtomicInteger();
        Duration timeout = sickness == Sickness.SLOW ? prometheusTimeout : Duration.ofSeconds(10);
        StubHttpServer sick = prometheus(StubHttpServer.start().answer(request ->
                queries.incrementAndGet() == 1 ? Answer.json(HEALTHY) : sickness.answer), timeout);
        int id = start("gradual", 1);
        if (sickness == Sickness.DOWN) {
            // Down for good once the preflight has its answer: the port is closed, connections are refused.
            await().atMost(Duration.ofSeconds(10)).until(() -> queries.get() >= 1);
            sick.close();
        }

        // When
        JsonPath halted = awaitState(id, "halted", Duration.ofSeconds(30));

        // Then it halted in ring 0's bake, saying why, and never touched ring 1
        assertThat(halted.getInt("ring")).isEqualTo(0);
        assertThat(halted.getString("phase")).isEqualTo("bake");
        assertThat(halted.getString("stateReason"))
                .contains("no conclusive health verdict in " + MAX_INCONCLUSIVE + " evaluations in a row")
                .contains(sickness.named);
        List<String> bakeVerdicts = halted.getList("timeline.findAll { it.type == 'check' && it.detail.during == "
                + "'bake' }.detail.outcome");
        assertThat(bakeVerdicts).hasSize(MAX_INCONCLUSIVE).allSatisfy(outcome ->
                assertThat(outcome).isIn("inconclusive", "error"));
        for (String cell : List.of("ea-1", "ea-2", "ea-3")) {
            assertThat(gates(cell)).as(cell).contains(HALF);
            assertThat(callsTo(cell)).as(cell).isEmpty();
        }

        // And when Prometheus is healthy again, a resume takes the rollout to the end
        prometheus(StubHttpServer.start().answer(Answer.json(HEALTHY)));
        Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body(Map.of("reason", "Prometheus is back"))
                .post("/api/v1/rollouts/" + id + "/resume").then().statusCode(200);
        awaitState(id, "completed", Duration.ofSeconds(30));
        for (String cell : List.of("qa-1", "ea-1", "ea-2", "ea-3")) {
            assertThat(gates(cell)).as(cell).contains(THREE_QUARTERS);
        }
    }

    @Test
    void aPrometheusDownFromTheStartKeepsTheFirstRingFromBeingWritten() {
        // Given
        prometheusAt(StubHttpServer.refusingUrl(), null);

        // When
        int id = start("gradual", 1);

        // Then the preflight's inconclusive verdicts halt it before any cell is written
        JsonPath halted = awaitState(id, "halted", Duration.ofSeconds(30));
        assertThat(halted.getInt("ring")).isEqualTo(0);
        assertThat(halted.getString("stateReason")).contains("could not be reached");
        assertThat(halted.getList("timeline.findAll { it.type == 'check' }.detail.during", String.class))
                .hasSize(MAX_INCONCLUSIVE).containsOnly("preflight");
        assertThat(gates("qa-1")).contains(dev.ripple.flags.Gates.OFF.withEnabled(true));
        assertThat(callsTo("qa-1")).extracting(c -> c.get("method")).doesNotContain("POST");
    }
}
