package dev.ripple.health;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How long to bake and which health checks to hold a ring to. Rings carry a default policy; a flag's policy overrides
 * the bake time and, check by check, the thresholds.
 */
public record RolloutPolicy(Optional<Duration> bake, List<CheckRule> checks) {
    public static final RolloutPolicy NONE = new RolloutPolicy(Optional.empty(), List.of());

    public RolloutPolicy {
        checks = List.copyOf(checks);
    }
}
