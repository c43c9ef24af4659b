package dev.ripple.api;

import dev.ripple.rollout.StartGate;
import dev.ripple.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Rollouts are created a few at a time; a start request that gets no turn within the wait is asked to come back,
 * with nothing started, instead of piling onto the cores the query API needs.
 */
@QuarkusTest
@TestProfile(TooManyStartsTest.OneAtATime.class)
class TooManyStartsTest {

    /** One rollout created at a time, and a short wait for a turn. */
    public static class OneAtATime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ripple.rollouts.concurrent-starts", "1", "ripple.rollouts.start-wait", "300ms");
        }
    }

    private static final String START = "{\"flag\":\"new_search_ui\",\"change\":{\"type\":\"on\"},\"upToRing\":0,"
            + "\"mode\":\"immediate\",\"requestedBy\":\"sre\",\"reason\":\"turns\"}";

    @Inject
    StartGate gate;

    @Test
    void aStartThatGetsNoTurnInTimeIsToldToRetryAndStartsNothing() {
        // Given another rollout is being created for longer than the wait
        List<Integer> before = rolloutIds();
        gate.admit(() -> {
            // When a rollout is asked for
            Tokens.as(Tokens.SRE).contentType(ContentType.JSON).header("Idempotency-Key", "turns-1").body(START)
                    .post("/api/v1/rollouts")
                    // Then it is answered 503 with a stable code and when to try again
                    .then().statusCode(503).contentType("application/problem+json").header("Retry-After", "1")
                    .body("code", equalTo("too-many-starts")).body("retryAfterSeconds", equalTo(1))
                    .body("detail", containsString("nothing was started"));
            return null;
        });
        // And nothing was started
        assertThat(rolloutIds()).isEqualTo(before);

        // And once the turn is free, the same request (its key again) starts the rollout
        Tokens.as(Tokens.SRE).contentType(ContentType.JSON).header("Idempotency-Key", "turns-1").body(START)
                .post("/api/v1/rollouts").then().statusCode(201).body("flag", equalTo("new_search_ui"));
    }

    private static List<Integer> rolloutIds() {
        return Tokens.as(Tokens.VIEWER).get("/api/v1/rollouts?limit=500").then().statusCode(200).extract()
                .path("items.id");
    }
}
