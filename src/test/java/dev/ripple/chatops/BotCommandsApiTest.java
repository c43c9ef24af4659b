package dev.ripple.chatops;

import dev.ripple.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * {@code POST /api/v1/chatops/command}, as another bot calls it with its bot token: 200 with the reply when the
 * command ran, a problem document with the REST API's code when it did not.
 */
@QuarkusTest
class BotCommandsApiTest extends OnTheSandbox {
    private static final String PATH = "/api/v1/chatops/command";


    private static ValidatableResponse bot(String user, String text) {
        return Tokens.as(Tokens.BOT).contentType(ContentType.JSON).body(Map.of("user", user, "text", text))
                .post(PATH).then();
    }

    private static ValidatableResponse bot(String user, String text, String key) {
        return Tokens.as(Tokens.BOT).contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(Map.of("user", user, "text", text)).post(PATH).then();
    }

    @Test
    void aCommandRunsForTheChatUserAndAnswersItsReply() {
        // When
        ValidatableResponse answer = bot("alice", "feature set new_search_ui 25 --actors --ring=1");

        // Then
        answer.statusCode(200).contentType(ContentType.JSON)
                .body("ok", equalTo(true))
                .body("command", equalTo("feature set"))
                .body("rolloutId", notNullValue())
                .body("text", startsWith("Rollout "));
        long id = answer.extract().jsonPath().getLong("rolloutId");
        assertThat(rollouts.find(id).orElseThrow().request().initiator()).as("the chat user, not the bot")
                .isEqualTo("alice");
    }

    @Test
    void aMalformedCommandIsInvalidCommandWithTheUsage() {
        // When
        ValidatableResponse answer = bot("alice", "feature set new_search_ui 25");

        // Then
        answer.statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("invalid-command"))
                .body("ok", equalTo(false))
                .body("problem", equalTo("a percentage needs --actors (percentage of actors) or --random (percentage"
                        + " of time)"))
                .body("usage", equalTo(CommandParser.FEATURE_SET))
                .body("detail", equalTo("a percentage needs --actors (percentage of actors) or --random (percentage"
                        + " of time); usage: " + CommandParser.FEATURE_SET))
                .body("text", startsWith("a percentage needs --actors"));
    }

    @Test
    void theChatUsersRolesDecideNotTheBots() {
        // When
        ValidatableResponse viewer = bot("vera", "feature set new_search_ui 25 --actors --ring=1");
        ValidatableResponse engineer = bot("alice", "feature set ci_kill_switch true --immediate");

        // Then
        viewer.statusCode(403).body("code", equalTo("forbidden")).body("neededRole", equalTo("engineer"))
                .body("text", equalTo("Not allowed: vera may not start a rollout: that needs the engineer role"));
        engineer.statusCode(403).body("code", equalTo("forbidden")).body("neededRole", equalTo("sre"));
        assertThat(rollouts.activeFor("new_search_ui")).isEmpty();
        assertThat(rollouts.activeFor("ci_kill_switch")).isEmpty();
    }

    @Test
    void anUnmappedUserMayOnlyAskForHelp() {
        // When
        ValidatableResponse help = bot("mallory", "help");
        ValidatableResponse read = bot("mallory", "feature get new_search_ui");

        // Then
        help.statusCode(200).body("ok", equalTo(true)).body("text", containsString("Commands:"));
        read.statusCode(403).body("code", equalTo("forbidden"))
                .body("text", startsWith("You are not mapped to a Ripple user (mallory)"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "feature set nope true                   | 400 | unknown-flag-definition",
            "feature set new_search_ui true --ring=9 | 400 | ring-out-of-range",
            "feature get no_such_flag                | 404 | unknown-flag",
            "rollout status 999999                   | 404 | unknown-rollout",
            "incident close 999999                   | 404 | unknown-incident",
            "incident open --ring=9                  | 400 | invalid-field",
    })
    void aServiceRefusalHasTheRestApisCode(String text, int status, String code) {
        bot("sam", text).statusCode(status).contentType("application/problem+json").body("code", equalTo(code))
                .body("ok", equalTo(false)).body("text", startsWith("Refused: "));
    }

    @Test
    void anOperationThatDoesNotFitTheStateIsOperationNotAllowed() {
        // Given
        long id = bot("alice", "feature set new_search_ui 25 --actors --ring=1").statusCode(200).extract()
                .jsonPath().getLong("rolloutId");
        bot("alice", "rollout abort " + id).statusCode(200);

        // When
        ValidatableResponse answer = bot("alice", "rollout resume " + id);

        // Then
        answer.statusCode(409).body("code", equalTo("operation-not-allowed")).body("state", equalTo("aborted"));
    }

    @Test
    void theSameIdempotencyKeyWithTheSameCommandAnswersTheFirstReply() {
        // Given
        String key = "bot-key-" + System.nanoTime();
        ValidatableResponse first = bot("alice", "feature set new_search_ui 25 --actors --ring=1", key)
                .statusCode(200);
        long id = first.extract().jsonPath().getLong("rolloutId");

        // When
        ValidatableResponse again = bot("alice", "feature set new_search_ui 25 --actors --ring=1", key);
        ValidatableResponse other = bot("alice", "feature set new_search_ui 50 --actors --ring=1", key);

        // Then
        again.statusCode(200).body("rolloutId", equalTo((int) id))
                .body("text", equalTo(first.extract().jsonPath().getString("text")));
        other.statusCode(422).body("code", equalTo("idempotency-key-reused"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"text\":\"help\"}                 | user",
            "{\"user\":\"alice\"}                | text",
            "{\"user\":\" \",\"text\":\"help\"}  | user",
    })
    void aBodyWithoutTextOrUserIsAnInvalidField(String body, String field) {
        Tokens.as(Tokens.BOT).contentType(ContentType.JSON).body(body).post(PATH).then()
                .statusCode(400).body("code", equalTo("invalid-field")).body("field", equalTo(field));
    }

    @Test
    void onlyABotTokenMayCall() {
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("user", "alice", "text", "help")).post(PATH)
                .then().statusCode(401).body("code", equalTo("unauthenticated"));
        Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body(Map.of("user", "alice", "text", "help")).post(PATH)
                .then().statusCode(403).body("code", equalTo("forbidden"));
    }
}
