package dev.ripple.health;

import java.util.Locale;

/**
 * One check evaluated on one ring: the query that ran, the value it gave, the thresholds, and the outcome, so "why did
 * it halt?" has a one-line answer ({@link #summary()}).
 *
 * @param value    the worst value over the series returned, or null when there was none
 * @param rollback null when the rule has no rollback threshold
 * @param detail   why the verdict is inconclusive or an error; null otherwise
 */
public record CheckVerdict(String check, int ring, String query, Double value, Direction unhealthyWhen, double halt,
                           Double rollback, Outcome outcome, String detail) {

    /** {@code error-ratio 0.034 on ring 2 > halt 0.02}, or why there is no value. */
    public String summary() {
        String where = check + " on ring " + ring;
        switch (outcome) {
            case INCONCLUSIVE:
            case ERROR:
                return where + " " + outcome.wireName() + ": " + detail;
            default:
                String op = unhealthyWhen == Direction.ABOVE ? ">" : "<";
                String notOp = unhealthyWhen == Direction.ABOVE ? "<=" : ">=";
                if (outcome == Outcome.ROLLBACK) {
                    return where + " " + format(value) + " " + op + " rollback " + format(rollback);
                }
                if (outcome == Outcome.HALT) {
                    return where + " " + format(value) + " " + op + " halt " + format(halt);
                }
                return where + " " + format(value) + " " + notOp + " halt " + format(halt);
        }
    }

    static String format(Double v) {
        if (v == null) {
            return "none";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString(v.longValue());
        }
        String s = String.format(Locale.ROOT, "%.6g", v);
        if (s.contains("e")) {
            return s;
        }
        s = s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
        return s;
    }
}
