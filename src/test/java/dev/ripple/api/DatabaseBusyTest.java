package dev.ripple.api;

import dev.ripple.testing.Tokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * A burst of requests that finds every database connection in use (100 rollouts started at once, found by
 * src/bench/load-bench.sh) is asked to come back, with a problem document, instead of failing with a 500.
 */
@QuarkusTest
@TestProfile(DatabaseBusyTest.SmallPool.class)
class DatabaseBusyTest {

    /** A pool of two connections (Flyway needs both at startup) that gives up waiting after 5 s (the default). */
    public static class SmallPool implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.jdbc.max-size", "2", "quarkus.datasource.jdbc.acquisition-timeout", "5s");
        }
    }

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aRequestThatGetsNoDatabaseConnectionIsToldToRetry() throws Exception {
        // Given something else holds every connection
        try (Connection first = take(); Connection second = take()) {
            // When a rollout is asked for, and the rollouts are listed
            Tokens.as(Tokens.ENGINEER).contentType(ContentType.JSON)
                    .body("{\"flag\":\"new_search_ui\",\"change\":{\"type\":\"on\"},\"upToRing\":0}")
                    .post("/api/v1/rollouts")
                    // Then each is answered 503 with a stable code and when to try again
                    .then().statusCode(503).contentType("application/problem+json").header("Retry-After", "1")
                    .body("code", equalTo("database-busy")).body("retryAfterSeconds", equalTo(1));
            Tokens.as(Tokens.VIEWER).get("/api/v1/rollouts?limit=1")
                    .then().statusCode(503).body("code", equalTo("database-busy"));
        }
        // And once the connection is free again, the same call works
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Tokens.as(Tokens.VIEWER)
                .get("/api/v1/rollouts?limit=1").then().statusCode(200));
    }

    private Connection take() {
        AtomicReference<Connection> taken = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> taken.compareAndSet(null, dataSource.getConnection()));
        return taken.get();
    }
}
