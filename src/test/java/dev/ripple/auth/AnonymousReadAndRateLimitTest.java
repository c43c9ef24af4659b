package dev.ripple.auth;

import dev.ripple.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

@QuarkusTest
@TestProfile(AnonymousReadProfile.class)
class AnonymousReadAndRateLimitTest {
    @Test
    void anonymousCallersMayReadButNotChange() {
        RestAssured.given().get("/api/v1/flags").then().statusCode(200);
        RestAssured.given().get("/api/v1/topology").then().statusCode(200);
        RestAssured.given().contentType(ContentType.JSON).body("{\"ring\":1,\"title\":\"x\"}")
                .post("/api/v1/incidents").then().statusCode(401).body("code", equalTo("unauthenticated"));
        RestAssured.given().get("/api/v1/tokens").then().statusCode(401);
    }

    @Test
    void aPrincipalOverItsRateGets429WithRetryAfterAndOthersAreUnaffected() {
        // Given: the engineer spends its burst of two
        for (int i = 0; i < 2; i++) {
            Tokens.as(Tokens.ENGINEER).contentType(ContentType.JSON).body(Map.of("flag", "no_such_flag",
                    "change", Map.of("type", "on"), "upToRing", 1)).post("/api/v1/rollouts").then().statusCode(400);
        }

        // When
        var limited = Tokens.as(Tokens.ENGINEER).contentType(ContentType.JSON).body(Map.of("flag", "no_such_flag",
                "change", Map.of("type", "on"), "upToRing", 1)).post("/api/v1/rollouts").then();

        // Then
        limited.statusCode(429).contentType("application/problem+json").body("code", equalTo("rate-limited"))
                .header("Retry-After", Integer::parseInt, greaterThanOrEqualTo(1));
        Tokens.as(Tokens.ENGINEER).get("/api/v1/rollouts").then().statusCode(200);
        Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body(Map.of("flag", "no_such_flag",
                "change", Map.of("type", "on"), "upToRing", 1)).post("/api/v1/rollouts").then().statusCode(400);
    }
}
