package dev.ripple.health;

import java.util.Optional;

/**
 * A named health check with its thresholds. Crossing {@code halt} stops a rollout for a human; crossing the worse
 * {@code rollback} reverses it. "Crossing" means above or below, as the check's {@link Direction} says.
 */
public record CheckRule(String check, double halt, Optional<Double> rollback) {
}
