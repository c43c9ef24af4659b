package dev.ripple.topology;

import dev.ripple.health.RolloutPolicy;

/**
 * How rollouts treat a ring.
 *
 * @param skipGradual gradual rollouts pass over this ring (immediate ones still reach it)
 * @param quarantine  normal rollouts never touch it; only here may single cells be targeted
 * @param defaults    bake time and health checks used unless the flag sets its own
 */
public record RingPolicy(boolean skipGradual, boolean quarantine, RolloutPolicy defaults) {
}
