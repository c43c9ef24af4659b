package dev.ripple.flags;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Pattern;

/** Parsing and checking of gate percentages, the way GitLab accepts them: {@code ^\d+(\.\d+)?$}, 0 to 100. */
public final class Percentages {
    public static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private static final Pattern FORMAT = Pattern.compile("^\\d+(\\.\\d+)?$");

    private Percentages() {
    }

    /** The percentage, or empty when the text is not a number in GitLab's format or lies outside 0–100. */
    public static Optional<BigDecimal> parse(String text) {
        if (text == null || !FORMAT.matcher(text.trim()).matches()) {
            return Optional.empty();
        }
        BigDecimal value = new BigDecimal(text.trim());
        return inRange(value) ? Optional.of(value) : Optional.empty();
    }

    public static boolean inRange(BigDecimal value) {
        return value != null && value.signum() >= 0 && value.compareTo(HUNDRED) <= 0;
    }

    /** Renders {@code 25} for 25.0 and {@code 12.5} for 12.50, as GitLab does. */
    public static String format(BigDecimal value) {
        return normalize(value).toPlainString();
    }

    /** The same value without trailing zeros and never in exponent form: 25.0 → 25, 100 stays 100 (not 1E+2). */
    static BigDecimal normalize(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    static boolean same(BigDecimal a, BigDecimal b) {
        return a == null ? b == null : b != null && a.compareTo(b) == 0;
    }
}
