package dev.ripple.rollout;

import java.time.Duration;

/**
 * @param checkEvery       how often health checks run during a bake (and while a halted rollout is watched)
 * @param maxInconclusive  evaluations in a row without a conclusive answer before the rollout halts
 * @param blockedRecheck   how often a blocked rollout looks at its incidents again
 */
public record EngineSettings(Duration checkEvery, int maxInconclusive, Duration blockedRecheck) {
}
