package dev.ripple.api;

import dev.ripple.auth.AnonymousReadProfile;
import dev.ripple.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A call refused by the rate limit is in the audit trail like any other refusal. */
@QuarkusTest
@TestProfile(AnonymousReadProfile.class)
class AuditRateLimitTest {

    @Test
    void aRateLimitedCallIsRecorded() {
        // Given the admin spends its burst of two
        for (int i = 0; i < 2; i++) {
            Tokens.as(Tokens.ADMIN).contentType(ContentType.JSON).body("{\"files\": {}}")
                    .post("/api/v1/topology/validate").then().statusCode(400);
        }

        // When
        Tokens.as(Tokens.ADMIN).contentType(ContentType.JSON).body("{\"files\": {}}")
                .post("/api/v1/topology/validate").then().statusCode(429);

        // Then
        JsonPath entry = Tokens.as(Tokens.VIEWER).get("/api/v1/audit?kind=request&principal=test-admin&limit=1")
                .then().statusCode(200).extract().jsonPath().setRootPath("items[0]");
        assertThat(entry.getString("action")).isEqualTo("POST /api/v1/topology/validate");
        assertThat(entry.getInt("status")).isEqualTo(429);
        assertThat(entry.getString("outcome")).startsWith("rate-limited: ");
        assertThat(entry.getString("role")).isEqualTo("admin");
        assertThat(entry.getString("request")).isEqualTo("{\"files\":{}}");
    }
}
