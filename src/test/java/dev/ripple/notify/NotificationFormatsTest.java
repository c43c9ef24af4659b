package dev.ripple.notify;

import dev.ripple.notify.RolloutNotification.Event;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class NotificationFormatsTest {
    private static final Instant AT = Instant.parse("2026-11-21T10:15:30Z");

    @Test
    void everyEventReadsAsOneLineWithItsOwnEmoji() {
        // Given a notification of each event on ring 1
        for (Event event : Event.values()) {
            // When it is rendered for Slack
            String line = SlackMessage.line(notification(event, 1, "summary here", "bob", List.of()));
            // Then it names the rollout, the flag and the change, and says what happened
            assertThat(line).startsWith(SlackMessage.emoji(event) + " Rollout 7 of `new_search_ui` (50% of users, "
                    + "up to ring 3) ").endsWith(": summary here — by bob").doesNotContain("null");
        }
        assertThat(List.of(Event.values()).stream().map(SlackMessage::emoji).distinct()).hasSize(Event.values().length);
        assertThat(SlackMessage.line(notification(Event.RING_DONE, 1, null, null, List.of())))
                .isEqualTo(":white_check_mark: Rollout 7 of `new_search_ui` (50% of users, up to ring 3) "
                        + "finished ring 1");
    }

    @Test
    void aRolloutWideEventLeavesOutTheRingSummaryAndInitiator() {
        // Given a completion with no ring, summary or initiator
        RolloutNotification completed = notification(Event.COMPLETED, null, null, " ", List.of());
        // When it is rendered for Slack
        String line = SlackMessage.line(completed);
        // Then the line ends after the verb
        assertThat(line).isEqualTo(":tada: Rollout 7 of `new_search_ui` (50% of users, up to ring 3) completed");
    }

    @Test
    void failedCellsAreListedAndALongListIsCut() {
        // Given a completion with 20 failed cells
        List<String> failures = IntStream.range(0, 20).mapToObj(i -> "eu-" + i + ": server-error (HTTP 500)").toList();
        // When it is rendered for Slack
        JsonObject message = new JsonObject(SlackMessage.render(
                notification(Event.COMPLETED_WITH_FAILURES, null, "18 of 38 cells", "alice", failures)));
        // Then the first 15 are listed, with a count of the rest, in the text and in their own block
        String listed = message.getJsonArray("blocks").getJsonObject(1).getJsonObject("text").getString("text");
        assertThat(listed).startsWith("*Failed cells (20)*\n• eu-0: server-error (HTTP 500)\n• eu-1:")
                .contains("• eu-14: server-error").doesNotContain("eu-15").endsWith("…and 5 more");
        assertThat(message.getString("text")).contains("completed with failures: 18 of 38 cells — by alice\n• eu-0:");
        assertThat(message.getJsonArray("blocks").getJsonObject(2).getString("type")).isEqualTo("context");
    }

    @Test
    void slackMarkupInValuesIsShownNotInterpreted() {
        // Given an initiator and a summary carrying Slack control sequences
        RolloutNotification n = notification(Event.HALTED, 2, "ratio <0.5 & rising", "<!channel>", List.of());
        // When it is rendered for Slack
        String line = SlackMessage.line(n);
        // Then they are escaped: no @channel ping, no link
        assertThat(line).endsWith(": ratio &lt;0.5 &amp; rising — by &lt;!channel&gt;");
    }

    @Test
    void theJsonEventHasEveryFieldAndNullsForAbsentOnes() {
        // Given a rollout-wide notification with no ring
        RolloutNotification n = notification(Event.ABORTED, null, null, "carol", List.of("eu-1: timeout"));
        // When it is rendered as JSON
        JsonObject json = new JsonObject(JsonEvent.render(n));
        // Then absent values are present as null, and the rest as given
        assertThat(json.containsKey("ring")).isTrue();
        assertThat(json.getValue("ring")).isNull();
        assertThat(json.getValue("summary")).isNull();
        assertThat(json.getString("event")).isEqualTo("aborted");
        assertThat(json.getString("at")).isEqualTo("2026-11-21T10:15:30Z");
        assertThat(json.getJsonArray("failures").getList()).containsExactly("eu-1: timeout");
    }

    private static RolloutNotification notification(Event event, Integer ring, String summary, String initiator,
                                                    List<String> failures) {
        return new RolloutNotification(event, "7", "new_search_ui", "50% of users", 3, "auto", initiator, ring,
                summary, AT, failures);
    }
}
