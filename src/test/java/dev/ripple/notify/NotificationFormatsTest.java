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

    @Test
    void aFeatureFlagLogEntryReadsAsItsTitleThenWhyAndWhichCells() {
        // Given an entry for ring 2 where one cell changed, one already held the change and one failed
        RolloutNotification n = entry("<!here> & co").notification();
        // When it is rendered for Slack
        JsonObject message = new JsonObject(SlackMessage.render(n));
        // Then the line is the title, then why, the issue, the cells changed and failed, and the context
        assertThat(message.getString("text")).isEqualTo(":triangular_flag_on_post: Feature flag 'new_search_ui' set"
                + " to '25%' of actors on ring 2 (1 of 3 cells failed) — by alice\n• eu-3: timeout: no answer");
        String details = message.getJsonArray("blocks").getJsonObject(1).getJsonObject("text").getString("text");
        assertThat(details).isEqualTo("*Reason:* &lt;!here&gt; &amp; co\n"
                + "*Rollout issue:* https://gitlab.example.com/org/proj/-/issues/1\n"
                + "*Cells changed (1):*\n• eu-1: off → 25% of actors\n1 more already held it");
        assertThat(message.getJsonArray("blocks").getJsonObject(2).getJsonObject("text").getString("text"))
                .isEqualTo("*Failed cells (1)*\n• eu-3: timeout: no answer");
        assertThat(message.getJsonArray("blocks").getJsonObject(3).getJsonArray("elements").getJsonObject(0)
                .getString("text")).isEqualTo("rollout 7 · mode gradual · 2026-11-21T10:15:30Z");
    }

    @Test
    void theJsonEventCarriesTheFeatureFlagLogEntryAndNullForOtherEvents() {
        // Given a feature-flag log entry and a halt
        JsonObject entry = new JsonObject(JsonEvent.render(entry("step 2").notification()));
        JsonObject halted = new JsonObject(JsonEvent.render(notification(Event.HALTED, 1, "x", "bob", List.of())));
        // Then the entry is under flagLog, with the usual fields around it
        assertThat(entry.getString("event")).isEqualTo("flag-log");
        assertThat(entry.getInteger("ring")).isEqualTo(2);
        assertThat(entry.getString("summary")).isEqualTo("Feature flag 'new_search_ui' set to '25%' of actors on"
                + " ring 2 (1 of 3 cells failed)");
        assertThat(entry.getJsonArray("failures").getList()).containsExactly("eu-3: timeout: no answer");
        JsonObject log = entry.getJsonObject("flagLog");
        assertThat(log.getString("action")).isEqualTo("change");
        assertThat(log.getString("reason")).isEqualTo("step 2");
        assertThat(log.getString("rolloutIssue")).isEqualTo("https://gitlab.example.com/org/proj/-/issues/1");
        assertThat(log.getJsonArray("cellsChanged").getList()).containsExactly("eu-1: off → 25% of actors");
        assertThat(log.getJsonArray("cellsFailed").getList()).containsExactly("eu-3: timeout: no answer");
        assertThat(log.getInteger("cellsUnchanged")).isEqualTo(1);
        assertThat(halted.containsKey("flagLog")).isTrue();
        assertThat(halted.getValue("flagLog")).isNull();
    }

    private static FlagLogEntry entry(String reason) {
        return new FlagLogEntry("Feature flag 'new_search_ui' set to '25%' of actors on ring 2 (1 of 3 cells failed)",
                "new_search_ui", 2, FlagLogEntry.CHANGE, "25% of actors", "7", "gradual", 3, "alice", reason,
                "https://gitlab.example.com/org/proj/-/issues/1", List.of("eu-1: off → 25% of actors"),
                List.of("eu-3: timeout: no answer"), 1, AT);
    }
}
