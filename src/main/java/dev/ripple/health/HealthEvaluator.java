package dev.ripple.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a ring's checks and turns each answer into a verdict. Only real numbers can pass: no series, NaN and query
 * failures are inconclusive or errors, never healthy (Argo Rollouts and Flagger hold the same line).
 */
public final class HealthEvaluator {
    private final MetricsSource metrics;

    public HealthEvaluator(MetricsSource metrics) {
        this.metrics = metrics;
    }

    /**
     * @param catalog the named checks of the current {@code rings/}; a rule naming a check no longer there is an error
     */
    public RingVerdict evaluate(int ring, List<String> cellIds, String flag, List<CheckRule> rules,
                                Map<String, HealthCheck> catalog) {
        List<CheckVerdict> verdicts = new ArrayList<>();
        Outcome worst = Outcome.HEALTHY;
        for (CheckRule rule : rules) {
            CheckVerdict verdict = evaluate(ring, cellIds, flag, rule, catalog.get(rule.check()));
            verdicts.add(verdict);
            worst = worst.worst(verdict.outcome());
        }
        return new RingVerdict(ring, verdicts, worst);
    }

    private CheckVerdict evaluate(int ring, List<String> cellIds, String flag, CheckRule rule, HealthCheck check) {
        Double rollback = rule.rollback().orElse(null);
        if (check == null) {
            return new CheckVerdict(rule.check(), ring, null, null, Direction.ABOVE, rule.halt(), rollback,
                    Outcome.ERROR, "check '" + rule.check() + "' is no longer defined in checks.yaml");
        }
        String query = check.render(ring, cellIds, flag);
        Direction direction = check.unhealthyWhen();
        QueryResult result = metrics.query(query);
        if (result instanceof QueryResult.Failed f) {
            return new CheckVerdict(rule.check(), ring, query, null, direction, rule.halt(), rollback,
                    Outcome.ERROR, f.reason());
        }
        if (result instanceof QueryResult.NoData) {
            return new CheckVerdict(rule.check(), ring, query, null, direction, rule.halt(), rollback,
                    Outcome.INCONCLUSIVE, "no data");
        }
        List<Double> all = ((QueryResult.Samples) result).values();
        // A NaN series cannot vouch for its cells, but it must not hide another series crossing a threshold.
        List<Double> values = all.stream().filter(v -> !v.isNaN()).toList();
        CheckVerdict noTraffic = new CheckVerdict(rule.check(), ring, query, Double.NaN, direction, rule.halt(),
                rollback, Outcome.INCONCLUSIVE, "NaN (no traffic to divide by?)");
        if (values.isEmpty()) {
            return noTraffic;
        }
        double value = direction == Direction.ABOVE
                ? values.stream().mapToDouble(Double::doubleValue).max().orElseThrow()
                : values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        Outcome outcome;
        if (rollback != null && direction.isWorse(value, rollback)) {
            outcome = Outcome.ROLLBACK;
        } else if (direction.isWorse(value, rule.halt())) {
            outcome = Outcome.HALT;
        } else if (values.size() < all.size()) {
            return noTraffic;
        } else {
            outcome = Outcome.HEALTHY;
        }
        return new CheckVerdict(rule.check(), ring, query, value, direction, rule.halt(), rollback, outcome, null);
    }
}
