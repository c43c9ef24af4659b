package dev.ripple.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;

/** A bot can be generated from the OpenAPI document: every endpoint is in it, and the bodies that start things have examples. */
@QuarkusTest
class OpenApiTest {
    @Test
    void theDocumentDescribesEveryEndpointWithExamplesForTheBodies() {
        RestAssured.given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths", hasKey("/api/v1/rollouts"))
                .body("paths", hasKey("/api/v1/rollouts/{id}/{operation}"))
                .body("paths", hasKey("/api/v1/incidents"))
                .body("paths", hasKey("/api/v1/tokens"))
                .body("paths", hasKey("/api/v1/audit"))
                .body("paths", hasKey("/api/v1/chatops/command"))
                .body("paths.'/api/v1/rollouts'.post.requestBody.content.'application/json'.examples.immediate.value",
                        notNullValue())
                .body("paths.'/api/v1/incidents'.post.requestBody.content.'application/json'.examples.incident.value",
                        notNullValue())
                .body("paths.'/api/v1/tokens'.post.requestBody.content.'application/json'.examples.bot.value",
                        notNullValue())
                .body("paths.'/api/v1/rollouts'.post.requestBody.content.'application/json'.examples.gradual.value"
                        + ".toString()", containsString("percentage-of-actors"));
    }
}
