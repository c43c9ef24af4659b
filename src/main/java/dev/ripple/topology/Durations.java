package dev.ripple.topology;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Bake times as people write them: {@code 90s}, {@code 30m}, {@code 1h30m}, {@code 2d}, {@code 500ms}. */
final class Durations {
    static final String FORMAT = "a number and a unit (ms, s, m, h, d), optionally chained, e.g. 90s, 30m, 1h30m, 2d";
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {
    }

    /** The duration, or empty when the text is not a sequence of number+unit (a zero total is returned as zero). */
    static Optional<Duration> parse(String text) {
        Matcher m = PART.matcher(text);
        int end = 0;
        Duration total = Duration.ZERO;
        try {
            while (m.find() && m.start() == end) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
                end = m.end();
            }
        } catch (ArithmeticException | NumberFormatException e) {
            return Optional.empty();
        }
        return end == text.length() && end > 0 ? Optional.of(total) : Optional.empty();
    }

    /** Reads {@code key} as a positive duration, reporting anything else. */
    static Optional<Duration> read(Fields fields, String key) {
        return fields.node(key).flatMap(node -> {
            if (!(node instanceof YamlTree.Scalar s) || s.token() != com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                fields.problem(key, "expected a duration (" + FORMAT + "), got " + YamlTree.describe(node)
                        + (node instanceof YamlTree.Scalar s2 && !s2.isNull() ? " (" + s2.text() + ")" : ""));
                return Optional.empty();
            }
            Optional<Duration> parsed = parse(s.text());
            if (parsed.isEmpty()) {
                fields.problem(key, "not a duration: \"" + s.text() + "\"; write " + FORMAT);
                return Optional.empty();
            }
            if (parsed.get().isZero()) {
                fields.problem(key, "must be longer than zero: \"" + s.text() + "\"");
                return Optional.empty();
            }
            return parsed;
        });
    }
}
