package dev.ripple.rollout;

import dev.ripple.health.CheckRule;

import java.time.Duration;
import java.util.List;

/**
 * One ring of a rollout's plan, fixed when the rollout is created so a later edit of {@code rings/} never changes a
 * rollout under way.
 *
 * @param bake   how long to wait after applying (zero for immediate rollouts)
 * @param checks the flag's rules over the ring's defaults (empty for immediate rollouts)
 */
public record PlannedRing(int ring, String name, List<String> cells, Duration bake, List<CheckRule> checks) {
    public PlannedRing {
        cells = List.copyOf(cells);
        checks = List.copyOf(checks);
    }
}
