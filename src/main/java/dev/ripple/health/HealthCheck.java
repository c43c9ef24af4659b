package dev.ripple.health;

/**
 * A PromQL query declared once in {@code rings/checks.yaml} and referenced by name from rings and flags. The query
 * is a template: {@code {{ring}}}, {@code {{cells}}} (a regex alternation of the ring's cell ids) and {@code {{flag}}}
 * are filled in per evaluation.
 */
public record HealthCheck(String name, String description, String query, Direction unhealthyWhen) {
}
