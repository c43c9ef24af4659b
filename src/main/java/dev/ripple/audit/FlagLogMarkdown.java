package dev.ripple.audit;

import dev.ripple.notify.FlagLogEntry;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A feature-flag log entry as GitLab Markdown, for the log issue and the note on the rollout issue. Every value a
 * person or a cell supplied (reason, requester, actor names, errors) is set in a code span, so none can mention
 * anyone, link anywhere or run a quick action; a table cell's {@code |} is escaped.
 */
final class FlagLogMarkdown {
    private static final int MAX_CELLS_LISTED = 100;
    private static final Pattern BACKTICKS = Pattern.compile("`+");

    private FlagLogMarkdown() {
    }

    /** The log issue's description. */
    static String describe(FlagLogEntry entry) {
        StringBuilder md = new StringBuilder();
        md.append("| | |\n|---|---|\n");
        row(md, "Flag", code(entry.flag()));
        row(md, entry.action().equals(FlagLogEntry.ROLLBACK) ? "Change rolled back" : "Change", code(entry.change()));
        row(md, "Ring", Integer.toString(entry.ring()));
        row(md, "Rollout", entry.rolloutId() + " (" + entry.mode() + ", up to ring " + entry.upToRing() + ")");
        row(md, "Requested by", code(entry.requestedBy()));
        row(md, "Reason", entry.reason() == null ? "" : code(entry.reason()));
        row(md, "Rollout issue", entry.rolloutIssue() == null ? "" : entry.rolloutIssue().replace("|", "\\|"));
        row(md, "At", entry.at().toString());
        cells(md, "Cells changed", entry.cellsChanged());
        if (entry.cellsUnchanged() > 0) {
            md.append('\n').append(entry.cellsUnchanged()).append(" more cells already held it.\n");
        }
        cells(md, "Cells failed", entry.cellsFailed());
        return md.toString();
    }

    /** The note on the rollout issue: what the log issue says, under its title. */
    static String note(FlagLogEntry entry) {
        return "**Feature-flag log:** " + code(entry.title()) + "\n\n" + describe(entry);
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static void cells(StringBuilder md, String heading, List<String> cells) {
        if (cells.isEmpty()) {
            return;
        }
        md.append("\n**").append(heading).append(" (").append(cells.size()).append(")**\n\n");
        cells.stream().limit(MAX_CELLS_LISTED).forEach(c -> md.append("- ").append(code(c)).append('\n'));
        if (cells.size() > MAX_CELLS_LISTED) {
            md.append("- …and ").append(cells.size() - MAX_CELLS_LISTED).append(" more\n");
        }
    }

    /** Text as an inline code span on one line, fenced by more backticks than it contains. */
    static String code(String text) {
        if (text == null) {
            return "";
        }
        String line = text.replaceAll("[\\r\\n]+", " ").replace("|", "\\|");
        int longest = 0;
        Matcher m = BACKTICKS.matcher(line);
        while (m.find()) {
            longest = Math.max(longest, m.group().length());
        }
        String fence = "`".repeat(longest + 1);
        String pad = line.startsWith("`") || line.endsWith("`") ? " " : "";
        return fence + pad + line + pad + fence;
    }
}
