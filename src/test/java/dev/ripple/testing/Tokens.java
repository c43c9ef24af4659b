package dev.ripple.testing;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/**
 * The API tokens the test profile seeds (application.properties, {@code %test.ripple.auth.bootstrap-tokens}), one
 * principal per role. {@code as(Tokens.SRE)} starts a RestAssured request carrying that token.
 */
public final class Tokens {
    public static final String VIEWER = "test-viewer-token";
    public static final String ENGINEER = "test-engineer-token";
    public static final String SRE = "test-sre-token";
    public static final String ADMIN = "test-admin-token";
    public static final String BOT = "test-bot-token";

    private Tokens() {
    }

    public static RequestSpecification as(String token) {
        return RestAssured.given().header("Authorization", "Bearer " + token);
    }
}
