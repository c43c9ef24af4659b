package dev.ripple.auth;

import dev.ripple.sandbox.SandboxFleet;
import dev.ripple.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

/** Issuing, using and revoking API tokens; what a refused caller sees; that a refusal changes nothing. */
@QuarkusTest
class TokensApiTest {
    @Inject
    SandboxFleet fleet;

    @BeforeEach
    void freshFleet() {
        fleet.reset();
    }

    @Test
    void anIssuedTokenWorksUntilRevokedAndIsShownOnlyOnce() {
        // Given
        ValidatableResponse issued = Tokens.as(Tokens.ADMIN).contentType(ContentType.JSON)
                .body(Map.of("principal", "deploy-bot", "roles", List.of("engineer"), "description", "CI"))
                .post("/api/v1/tokens").then().statusCode(201).header("Cache-Control", "no-store")
                .body("token", startsWith("rpl_")).body("info.principal", equalTo("deploy-bot"))
                .body("info.createdBy", equalTo("test-admin"));
        String token = issued.extract().path("token");
        String id = issued.extract().path("info.id");
        Tokens.as(token).get("/api/v1/flags").then().statusCode(200);
        String listed = Tokens.as(Tokens.ADMIN).get("/api/v1/tokens").then().statusCode(200)
                .body("items.id", hasItem(id)).extract().asString();
        assertThat(listed).doesNotContain(token).doesNotContain(token.substring(4, 20));

        // When
        Tokens.as(Tokens.ADMIN).delete("/api/v1/tokens/" + id).then().statusCode(200)
                .body("revokedBy", equalTo("test-admin"));

        // Then
        Tokens.as(token).get("/api/v1/flags").then().statusCode(401).contentType("application/problem+json")
                .body("code", equalTo("unauthenticated"));
    }

    @Test
    void anUnknownOrMalformedTokenIsRefusedWithAProblem() {
        Tokens.as("rpl_not-a-token-at-all").get("/api/v1/topology").then().statusCode(401)
                .contentType("application/problem+json").body("code", equalTo("unauthenticated"))
                .header("WWW-Authenticate", containsString("Bearer"));
        RestAssured.given().header("Authorization", "Basic dXNlcjpwYXNz").get("/api/v1/topology").then()
                .statusCode(401).body("code", equalTo("unauthenticated"))
                .body("detail", containsString("Bearer TOKEN"));
        RestAssured.given().get("/api/v1/topology").then().statusCode(401).body("code", equalTo("unauthenticated"));
    }

    @Test
    void bootstrapTokensAreListedButNotRevocable() {
        String id = Tokens.as(Tokens.ADMIN).get("/api/v1/tokens").then().statusCode(200)
                .extract().path("items.find { it.principal == 'test-sre' }.id");
        Tokens.as(Tokens.ADMIN).delete("/api/v1/tokens/" + id).then().statusCode(409)
                .body("code", equalTo("token-not-revocable"));
        Tokens.as(Tokens.SRE).get("/api/v1/flags").then().statusCode(200);
    }

    @Test
    void aBadTokenRequestNamesTheField() {
        Tokens.as(Tokens.ADMIN).contentType(ContentType.JSON)
                .body(Map.of("principal", "x", "roles", List.of("kaiser"))).post("/api/v1/tokens")
                .then().statusCode(400).body("code", equalTo("invalid-field")).body("field", equalTo("roles"));
        Tokens.as(Tokens.ADMIN).contentType(ContentType.JSON)
                .body(Map.of("principal", "has space", "roles", List.of("viewer"))).post("/api/v1/tokens")
                .then().statusCode(400).body("field", equalTo("principal"));
        Tokens.as(Tokens.ADMIN).contentType(ContentType.JSON)
                .body(Map.of("principal", "x", "roles", List.of("viewer"), "expiresAt", "tomorrow"))
                .post("/api/v1/tokens").then().statusCode(400).body("field", equalTo("expiresAt"));
    }

    @Test
    void anEngineerCannotStartAnImmediateRolloutAndNothingStarts() {
        // Given
        int before = Tokens.as(Tokens.VIEWER).get("/api/v1/rollouts?limit=500").then().extract().path("items.size()");

        // When
        ValidatableResponse refused = Tokens.as(Tokens.ENGINEER).contentType(ContentType.JSON)
                .body(Map.of("flag", "ci_kill_switch", "change", Map.of("type", "on"), "upToRing", 3,
                        "mode", "immediate", "reason", "incident"))
                .post("/api/v1/rollouts").then();

        // Then
        refused.statusCode(403).contentType("application/problem+json").body("code", equalTo("forbidden"))
                .body("neededRole", equalTo("sre"));
        Tokens.as(Tokens.VIEWER).get("/api/v1/rollouts?limit=500").then().body("items", hasSize(before));
        assertThat(fleet.cell("st-1").orElseThrow().flags().get("ci_kill_switch"))
                .matches(gates -> gates == null || !gates.enabled(), "still off");
    }

    @Test
    void theRequesterIsTheCallerNotTheBody() {
        // When
        ValidatableResponse started = Tokens.as(Tokens.SRE).contentType(ContentType.JSON)
                .body(Map.of("flag", "new_search_ui", "change", Map.of("type", "on"), "upToRing", 0,
                        "mode", "immediate", "requestedBy", "someone-else", "reason", "who asked"))
                .post("/api/v1/rollouts").then();

        // Then
        started.statusCode(201).body("requestedBy", equalTo("test-sre"));
        Tokens.as(Tokens.SRE).get("/api/v1/rollouts?flag=new_search_ui").then()
                .body("items[0].requestedBy", equalTo("test-sre"));
    }
}
