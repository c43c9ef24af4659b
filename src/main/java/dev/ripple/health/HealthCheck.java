package dev.ripple.health;

/**
 * A PromQL query declared once in {@code rings/checks.yaml} and referenced by name from rings and flags. The query
 * is a template: {@code {{ring}}}, {@code {{cells}}} (a regex alternation of the ring's cell ids) and {@code {{flag}}}
 * are filled in per evaluation.
 */
public record HealthCheck(String name, String description, String query, Direction unhealthyWhen) {
    private static final java.util.regex.Pattern VARIABLE =
            java.util.regex.Pattern.compile("\\{\\{\\s*(ring|cells|flag)\\s*}}");

    /**
     * The query for one ring and flag. Cell ids ({@code [a-z0-9-]}) need no regex escaping; the loader refuses
     * any other template variable, so none is left behind.
     */
    public String render(int ring, java.util.List<String> cellIds, String flag) {
        return VARIABLE.matcher(query).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(switch (m.group(1)) {
            case "ring" -> Integer.toString(ring);
            case "cells" -> String.join("|", cellIds);
            default -> flag;
        }));
    }
}
