package dev.ripple.chatops;

import dev.ripple.testing.LogCapture;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Optional;

import static dev.ripple.chatops.SlackClient.PATH;
import static dev.ripple.chatops.SlackClient.SECRET;
import static dev.ripple.chatops.SlackClient.now;
import static dev.ripple.chatops.SlackClient.request;
import static dev.ripple.chatops.SlackClient.sign;
import static dev.ripple.chatops.SlackClient.signed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * {@code POST /api/v1/chatops/slack} as Slack calls it: form-encoded slash commands signed with the app's signing
 * secret. Only correctly signed, recent, first-seen requests run; everything else is 401 {@code invalid-signature}.
 */
@QuarkusTest
class SlackCommandsTest extends OnTheSandbox {
    private static final SlackClient SLACK = new SlackClient();


    @AfterAll
    static void closeSlack() {
        SLACK.close();
    }

    private static void refused(Response response, String detail) {
        response.then().statusCode(401).contentType("application/problem+json")
                .body("code", equalTo("invalid-signature"))
                .body("detail", containsString(detail))
                .body("instance", equalTo(PATH));
    }

    // ---- signatures ----------------------------------------------------------------------------------------------

    @Test
    void aCorrectlySignedCommandIsAnswered() {
        // When
        SlackClient.Reply reply = SLACK.command("U0VIEWER", "feature get new_search_ui");

        // Then
        assertThat(reply.responseType()).isEqualTo("in_channel");
        assertThat(reply.text()).startsWith("new_search_ui (derisk, @search-team)");
    }

    @Test
    void helpOnlyGoesToWhoAsked() {
        // When
        SlackClient.Reply reply = SLACK.command("U0VIEWER", "help");

        // Then
        assertThat(reply.responseType()).isEqualTo("ephemeral");
        assertThat(reply.text()).contains("• `feature set NAME VALUE");
    }

    @Test
    void aSignatureMadeWithAnotherSecretIsRefused() {
        // Given
        String body = SLACK.form("U0SRE", "feature set ci_kill_switch true --immediate");
        long ts = now();

        // When
        Response response = request(body).header("X-Slack-Request-Timestamp", Long.toString(ts))
                .header("X-Slack-Signature", sign("not-the-secret", ts, body)).post(PATH);

        // Then
        refused(response, "the signature does not match");
        assertThat(rollouts.activeFor("ci_kill_switch")).isEmpty();
    }

    @Test
    void aBodyChangedAfterSigningIsRefused() {
        // Given
        String signedBody = SLACK.form("U0VIEWER", "feature get new_search_ui");
        String sentBody = signedBody.replace("U0VIEWER", "U0SRE");
        long ts = now();

        // When
        Response response = request(sentBody).header("X-Slack-Request-Timestamp", Long.toString(ts))
                .header("X-Slack-Signature", sign(SECRET, ts, signedBody)).post(PATH);

        // Then
        refused(response, "the signature does not match");
    }

    @Test
    void aSignatureOverAnotherTimestampIsRefused() {
        // Given
        String body = SLACK.form("U0VIEWER", "help");
        long ts = now();

        // When
        Response response = request(body).header("X-Slack-Request-Timestamp", Long.toString(ts))
                .header("X-Slack-Signature", sign(SECRET, ts - 10, body)).post(PATH);

        // Then
        refused(response, "the signature does not match");
    }

    @ParameterizedTest(name = "{0} s from now")
    @CsvSource(delimiter = '|', value = {
            "-301   | the request is older than 300 s",
            "-86400 | the request is older than 300 s",
            "120    | the request's timestamp is in the future",
            "3600   | the request's timestamp is in the future",
    })
    void aRequestTooOldOrFromTheFutureIsRefusedEvenWhenCorrectlySigned(long offset, String detail) {
        // Given
        String body = SLACK.form("U0VIEWER", "help");
        long ts = now() + offset;

        // When
        Response response = request(body).header("X-Slack-Request-Timestamp", Long.toString(ts))
                .header("X-Slack-Signature", sign(SECRET, ts, body)).post(PATH);

        // Then
        refused(response, detail);
    }

    @Test
    void aReplayedRequestIsRefused() {
        // Given a request Slack sent, answered
        String body = SLACK.form("U0ENGINEER", "feature set new_search_ui 25 --actors --ring=1");
        long ts = now();
        String signature = sign(SECRET, ts, body);
        Response first = request(body).header("X-Slack-Request-Timestamp", Long.toString(ts))
                .header("X-Slack-Signature", signature).post(PATH);
        assertThat(SLACK.reply(first, body).text()).startsWith("Rollout ");
        long active = rollouts.activeFor("new_search_ui").orElseThrow();

        // When someone sends it again, byte for byte
        Response replay = request(body).header("X-Slack-Request-Timestamp", Long.toString(ts))
                .header("X-Slack-Signature", signature).post(PATH);

        // Then
        refused(replay, "this request was received before: a replay");
        assertThat(rollouts.list(Optional.of("new_search_ui"), Optional.empty(), null, 500))
                .filteredOn(r -> r.id() >= active).hasSize(1);
    }

    @ParameterizedTest(name = "timestamp {0}, signature {1}")
    @CsvSource(delimiter = '|', value = {
            "false | false",
            "true  | false",
            "false | true",
    })
    void aRequestWithoutTheSlackHeadersIsRefused(boolean withTimestamp, boolean withSignature) {
        // Given
        String body = SLACK.form("U0VIEWER", "help");
        long ts = now();
        var request = request(body);
        if (withTimestamp) {
            request.header("X-Slack-Request-Timestamp", Long.toString(ts));
        }
        if (withSignature) {
            request.header("X-Slack-Signature", sign(SECRET, ts, body));
        }

        // When
        Response response = request.post(PATH);

        // Then
        refused(response, "X-Slack-Request-Timestamp and X-Slack-Signature are required");
    }

    @Test
    void aTimestampThatIsNotANumberIsRefused() {
        // Given
        String body = SLACK.form("U0VIEWER", "help");

        // When
        Response response = request(body).header("X-Slack-Request-Timestamp", "yesterday")
                .header("X-Slack-Signature", sign(SECRET, now(), body)).post(PATH);

        // Then
        refused(response, "not a number");
    }

    @Test
    void aSlackRetryAnswersTheFirstReplyAndStartsNothingMore() {
        // Given a command that started a rollout
        String body = SLACK.form("U0ENGINEER", "feature set new_search_ui 25 --actors --ring=1");
        SlackClient.Reply first = SLACK.reply(signed(body), body);
        assertThat(first.text()).startsWith("Rollout ");
        long id = rollouts.activeFor("new_search_ui").orElseThrow();

        // When Slack retries it, a few seconds on: the same body, signed anew
        long ts = now() + 3;
        Response retry = request(body).header("X-Slack-Request-Timestamp", Long.toString(ts))
                .header("X-Slack-Signature", sign(SECRET, ts, body)).header("X-Slack-Retry-Num", "1")
                .header("X-Slack-Retry-Reason", "http_timeout").post(PATH);

        // Then
        retry.then().statusCode(200).body("text", equalTo(first.text()));
        assertThat(rollouts.list(Optional.of("new_search_ui"), Optional.empty(), null, 500))
                .filteredOn(r -> r.id() >= id).hasSize(1);
    }

    // ---- who may do what -----------------------------------------------------------------------------------------

    @Test
    void aViewerCannotSetAFlagFromSlack() {
        // When
        SlackClient.Reply reply = SLACK.command("U0VIEWER", "feature set new_search_ui 25 --actors --ring=1");

        // Then
        assertThat(reply.responseType()).isEqualTo("ephemeral");
        assertThat(reply.text()).isEqualTo("Not allowed: vera may not start a rollout: that needs the engineer role");
        assertThat(rollouts.activeFor("new_search_ui")).isEmpty();
    }

    @Test
    void anEngineerCannotRollOutImmediatelyFromSlack() {
        // When
        SlackClient.Reply reply = SLACK.command("U0ENGINEER", "feature set ci_kill_switch true --immediate");

        // Then
        assertThat(reply.text()).isEqualTo("Not allowed: alice may not start an immediate rollout: that needs the"
                + " sre role");
        assertThat(rollouts.activeFor("ci_kill_switch")).isEmpty();
    }

    @Test
    void anUnmappedSlackUserMayOnlyAskForHelp() {
        // When
        SlackClient.Reply help = SLACK.command("U0STRANGER", "help");
        SlackClient.Reply set = SLACK.command("U0STRANGER", "feature set new_search_ui true");

        // Then
        assertThat(help.text()).startsWith("Ripple rolls feature-flag changes out ring by ring.");
        assertThat(set.responseType()).isEqualTo("ephemeral");
        assertThat(set.text()).startsWith("You are not mapped to a Ripple user (U0STRANGER), so only `help` works");
        assertThat(rollouts.activeFor("new_search_ui")).isEmpty();
    }

    @Test
    void aMalformedCommandGetsTheUsageNotAnError() {
        // When
        SlackClient.Reply reply = SLACK.command("U0ENGINEER", "feature set new_search_ui 25");

        // Then
        assertThat(reply.responseType()).isEqualTo("ephemeral");
        assertThat(reply.text()).isEqualTo("a percentage needs --actors (percentage of actors) or --random"
                + " (percentage of time)\nUsage: " + CommandParser.FEATURE_SET);
    }

    // ---- Slack's text, and secrets -------------------------------------------------------------------------------

    @Test
    void slackLinksAndEscapesReadAsTyped() {
        assertThat(SlackCommands.plain("incident open --ring=2 --link=<https://status.example.com/i/4?a=1&amp;b=2>"
                + " --title=\"A &amp; B &lt;5xx&gt;\"")).isEqualTo("incident open --ring=2"
                + " --link=https://status.example.com/i/4?a=1&b=2 --title=\"A & B <5xx>\"");
        assertThat(SlackCommands.plain("feature set x true --issue=<https://gitlab.example.com/o/p/-/issues/1|#1>"))
                .isEqualTo("feature set x true --issue=https://gitlab.example.com/o/p/-/issues/1");
    }

    @Test
    void theSigningSecretAndSlacksTokenAppearInNoAnswerAndNoLogLine() {
        // Given
        List<String> answers = new java.util.ArrayList<>();
        try (LogCapture logs = LogCapture.startWithAllOf("dev.ripple")) {
            // When
            answers.add(signed(SLACK.form("U0ENGINEER", "feature set new_search_ui 25 --actors --ring=1"))
                    .asString());
            answers.add(signed(SLACK.form("U0VIEWER", "feature set nope true")).asString());
            String body = SLACK.form("U0VIEWER", "help");
            long ts = now();
            answers.add(request(body).header("X-Slack-Request-Timestamp", Long.toString(ts))
                    .header("X-Slack-Signature", sign("wrong", ts, body)).post(PATH).asString());

            // Then
            assertThat(String.join("\n", answers)).doesNotContain(SECRET).doesNotContain("legacy-verification-token");
            assertThat(logs.lines()).noneMatch(line -> line.contains(SECRET))
                    .noneMatch(line -> line.contains("legacy-verification-token"));
        }
    }
}
