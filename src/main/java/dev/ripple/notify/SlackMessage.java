package dev.ripple.notify;

import dev.ripple.notify.RolloutNotification.Event;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A notification as a Slack incoming-webhook message: one line a person reads in a channel or a phone notification
 * ({@code text}, also what Slack shows where blocks are not rendered), then the same as blocks with the failed cells
 * and the rollout's mode and time.
 */
final class SlackMessage {
    /** A section holds at most 3,000 characters; a ring of failed cells is cut well before that. */
    static final int MAX_FAILURES_SHOWN = 15;

    private SlackMessage() {
    }

    static String render(RolloutNotification n) {
        if (n.flagLog() != null) {
            FlagLogEntry entry = n.flagLog();
            return message(n, flagLogLine(n, entry), List.of(flagLogDetails(entry)), entry.cellsFailed());
        }
        return message(n, line(n), List.of(), n.failures());
    }

    /** The line, then the sections, the failed cells and the context line, as text and as blocks. */
    private static String message(RolloutNotification n, String line, List<String> sections, List<String> failed) {
        String failures = list(failed);
        JsonArray blocks = new JsonArray().add(section(line));
        sections.forEach(s -> blocks.add(section(s)));
        if (!failures.isEmpty()) {
            blocks.add(section("*Failed cells (" + failed.size() + ")*\n" + failures));
        }
        blocks.add(new JsonObject().put("type", "context").put("elements", new JsonArray()
                .add(new JsonObject().put("type", "mrkdwn").put("text", context(n)))));
        return new JsonObject()
                .put("text", failures.isEmpty() ? line : line + "\n" + failures)
                .put("blocks", blocks)
                .encode();
    }

    /** E.g. {@code :rotating_light: Rollout 42 of `new_search_ui` (25% of actors, up to ring 2) halted on ring 1}. */
    static String line(RolloutNotification n) {
        StringBuilder line = new StringBuilder(emoji(n.event()))
                .append(" Rollout ").append(escape(n.rolloutId()))
                .append(" of `").append(escape(n.flag())).append("` (");
        if (!isBlank(n.change())) {
            line.append(escape(n.change())).append(", ");
        }
        line.append("up to ring ").append(n.upToRing()).append(") ").append(what(n));
        if (!isBlank(n.summary())) {
            line.append(": ").append(escape(n.summary()));
        }
        if (!isBlank(n.initiator())) {
            line.append(" — by ").append(escape(n.initiator()));
        }
        return line.toString();
    }

    static String emoji(Event event) {
        return switch (event) {
            case STARTED -> ":rocket:";
            case RING_DONE -> ":white_check_mark:";
            case BLOCKED -> ":no_entry:";
            case HALTED -> ":rotating_light:";
            case ROLLED_BACK -> ":rewind:";
            case COMPLETED -> ":tada:";
            case COMPLETED_WITH_FAILURES -> ":warning:";
            case CELL_FAILED -> ":x:";
            case ABORTED -> ":octagonal_sign:";
            case FLAG_LOG -> ":triangular_flag_on_post:";
        };
    }

    private static String what(RolloutNotification n) {
        String onRing = n.ring() == null ? "" : " on ring " + n.ring();
        return switch (n.event()) {
            case STARTED -> "started";
            case RING_DONE -> n.ring() == null ? "finished a ring" : "finished ring " + n.ring();
            case BLOCKED -> "is blocked" + onRing;
            case HALTED -> "halted" + onRing;
            case ROLLED_BACK -> "rolled back" + onRing;
            case COMPLETED -> "completed";
            case COMPLETED_WITH_FAILURES -> "completed with failures";
            case CELL_FAILED -> "has a failed cell" + onRing;
            case ABORTED -> "was aborted" + onRing;
            case FLAG_LOG -> "changed a flag" + onRing;
        };
    }

    /** A feature-flag log entry's line: its title ({@code Feature flag 'x' set to '25%' of actors on ring 2}). */
    private static String flagLogLine(RolloutNotification n, FlagLogEntry entry) {
        return emoji(n.event()) + " " + escape(entry.title())
                + (isBlank(entry.requestedBy()) ? "" : " — by " + escape(entry.requestedBy()));
    }

    /** Why, the rollout issue, and the cells changed. */
    private static String flagLogDetails(FlagLogEntry entry) {
        StringBuilder details = new StringBuilder();
        if (!isBlank(entry.reason())) {
            details.append("*Reason:* ").append(escape(entry.reason())).append('\n');
        }
        if (!isBlank(entry.rolloutIssue())) {
            details.append("*Rollout issue:* ").append(escape(entry.rolloutIssue())).append('\n');
        }
        details.append("*Cells changed (").append(entry.cellsChanged().size()).append("):*");
        details.append(entry.cellsChanged().isEmpty() ? " none" : "\n" + list(entry.cellsChanged()));
        if (entry.cellsUnchanged() > 0) {
            details.append("\n").append(entry.cellsUnchanged()).append(" more already held it");
        }
        return details.toString();
    }

    private static String list(List<String> items) {
        StringBuilder list = new StringBuilder();
        items.stream().limit(MAX_FAILURES_SHOWN).forEach(f -> list.append(list.length() == 0 ? "" : "\n")
                .append("• ").append(escape(f)));
        if (items.size() > MAX_FAILURES_SHOWN) {
            list.append("\n…and ").append(items.size() - MAX_FAILURES_SHOWN).append(" more");
        }
        return list.toString();
    }

    private static String context(RolloutNotification n) {
        StringBuilder context = new StringBuilder("rollout ").append(escape(n.rolloutId()));
        if (!isBlank(n.mode())) {
            context.append(" · mode ").append(escape(n.mode()));
        }
        if (n.at() != null) {
            context.append(" · ").append(n.at());
        }
        return context.toString();
    }

    private static JsonObject section(String mrkdwn) {
        return new JsonObject().put("type", "section")
                .put("text", new JsonObject().put("type", "mrkdwn").put("text", mrkdwn));
    }

    /** Slack reads {@code & < >} as markup (links, mentions); a summary like "0.034 > 0.02" must show as written. */
    static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
