package dev.ripple.rollout;

import dev.ripple.testing.StubHttpServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.ripple.rollout.SickWorldProfile.NOTIFY_ATTEMPTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two notification sinks are sick: one takes the first request it gets and never answers (Ripple's delivery timeout
 * here is ten minutes, so it holds that request for the whole test), the other answers 500 to everything. Rollouts
 * go on as if they were not there.
 */
@QuarkusTest
@TestProfile(SickWorldProfile.class)
class SickSinksTest extends OnASickWorld {
    private static final Pattern DROPPED = Pattern.compile(
            "ripple_notify_deliveries_total\\{outcome=\"dropped\",sink=\"hanging\"} ([0-9.E]+)");

    @Test
    void rolloutsFinishWhileOneSinkHangsAndAnotherFails() {
        StubHttpServer hanging = SickWorldProfile.Sinks.hanging;
        StubHttpServer failing = SickWorldProfile.Sinks.failing;

        // When an immediate rollout runs, and then a gradual one
        int immediate = start("immediate", 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> !hanging.requests().isEmpty());
        awaitState(immediate, "completed", Duration.ofSeconds(30));
        assertThat(hanging.requests()).as("the hanging sink still holds its first request").hasSize(1);
        int gradual = start("gradual", 1);
        awaitState(gradual, "completed", Duration.ofSeconds(30));

        // Then both finished while the hanging sink never got past its first request
        assertThat(hanging.requests()).as("the hanging sink still holds its first request").hasSize(1);
        for (String cell : List.of("qa-1", "ea-1", "ea-2", "ea-3", "ga-1", "ga-2")) {
            assertThat(gates(cell)).as(cell).contains(THREE_QUARTERS);
        }

        // And the failing sink got each notification max-attempts times, no more. It delivers in order, so once
        // the gradual rollout's "completed" has had all its attempts, every notification before it is settled too.
        await().atMost(Duration.ofSeconds(10)).until(() ->
                attempts(failing).getOrDefault(completed(failing, gradual), 0) == NOTIFY_ATTEMPTS);
        Map<String, Integer> attempts = attempts(failing);
        List<String> inOrder = List.copyOf(attempts.keySet());
        int settled = inOrder.indexOf(completed(failing, gradual)) + 1;
        assertThat(inOrder.subList(0, settled)).filteredOn(b -> b.contains("\"rolloutId\":\"" + immediate + "\""))
                .isNotEmpty();
        inOrder.subList(0, settled).forEach(body ->
                assertThat(attempts.get(body)).as(body).isEqualTo(NOTIFY_ATTEMPTS));
        attempts.forEach((body, n) -> assertThat(n).as(body).isLessThanOrEqualTo(NOTIFY_ATTEMPTS));

        // And the hanging sink's queue stays bounded: what does not fit is dropped, and counted
        assertThat(dropped()).isPositive();
    }

    /** Requests per notification, in the order the sink first got each (its body is the same on every attempt). */
    private static Map<String, Integer> attempts(StubHttpServer sink) {
        Map<String, Integer> byBody = new LinkedHashMap<>();
        sink.requests().forEach(request -> byBody.merge(request.body(), 1, Integer::sum));
        return byBody;
    }

    /** The body of one rollout's "completed" notification, or "none" before the sink got it. */
    private static String completed(StubHttpServer sink, int rollout) {
        return attempts(sink).keySet().stream().filter(b -> b.contains("\"rolloutId\":\"" + rollout + "\"")
                && b.contains("\"event\":\"completed\"")).findFirst().orElse("none");
    }

    private static double dropped() {
        Matcher m = DROPPED.matcher(RestAssured.get("/q/metrics").then().statusCode(200).extract().asString());
        assertThat(m.find()).as("ripple_notify_deliveries_total for the hanging sink's drops").isTrue();
        return Double.parseDouble(m.group(1));
    }
}
