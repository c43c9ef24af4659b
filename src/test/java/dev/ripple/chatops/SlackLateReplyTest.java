package dev.ripple.chatops;

import dev.ripple.testing.LogCapture;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.ripple.chatops.SlackClient.WORKING;
import static dev.ripple.chatops.SlackClient.signed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * A command that outlasts Slack's patience: Slack gets "working on it" at once (this profile answers so as soon as a
 * command is not done), and the result follows through the request's {@code response_url}. The test holds the
 * command in its audit step to be sure it is still running when Slack is answered.
 */
@QuarkusTest
@TestProfile(ChatOpsProfile.class)
class SlackLateReplyTest extends OnTheSandbox {
    private static final SlackClient SLACK = new SlackClient();

    @Inject
    RecordingAuditLog audit;

    @AfterEach
    void releaseTheAuditLog() {
        audit.release();
    }

    @AfterAll
    static void closeSlack() {
        SLACK.close();
    }

    @Test
    void aSlowCommandAnswersWorkingOnItAndPostsItsResultToTheResponseUrl() {
        // Given a command that will still be running when Slack is answered
        audit.hold();
        String form = SLACK.form("U0ENGINEER", "feature set new_search_ui 25 --actors --ring=1");

        // When
        var answer = signed(form).then();

        // Then Slack hears at once that the result will follow, and nothing is posted yet
        answer.statusCode(200).body("response_type", equalTo("ephemeral")).body("text", equalTo(WORKING));
        assertThat(SLACK.posted()).isEmpty();

        // And once the command is done, its reply goes to the channel through the response_url
        audit.release();
        SlackClient.Reply late = SLACK.late(form);
        assertThat(late.responseType()).isEqualTo("in_channel");
        assertThat(late.text()).startsWith("Rollout ").contains("new_search_ui → 25% of actors, gradual up to ring 1");
        assertThat(SLACK.posted()).singleElement().satisfies(r -> assertThat(r.method()).isEqualTo("POST"));
    }

    @Test
    void aResultIsNeverPostedOutsideTheAllowedPrefix() {
        // Given a response_url that is not Slack's (nor, in tests, the loopback's)
        audit.hold();
        String form = SlackClient.form("U0ENGINEER", "feature set new_search_ui 25 --actors --ring=1",
                "https://hooks.example.com/commands/T0001/1/tok");
        try (LogCapture logs = LogCapture.start()) {
            // When
            signed(form).then().statusCode(200).body("text", equalTo(WORKING));
            audit.release();

            // Then the command still ran, and the reply was only logged as not posted, without the URL
            await().atMost(Duration.ofSeconds(30)).until(() -> rollouts.activeFor("new_search_ui").isPresent());
            await().atMost(Duration.ofSeconds(30)).until(() -> logs.lines().stream()
                    .anyMatch(l -> l.contains("Not posting the late reply to 'feature set'")));
            assertThat(logs.lines()).noneMatch(l -> l.contains("hooks.example.com/commands"));
        }
        assertThat(SLACK.posted()).isEmpty();
    }
}
