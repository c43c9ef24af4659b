package dev.ripple.rollout;

import dev.ripple.health.RingVerdict;

import java.time.Duration;

/** What the engine reports to the metrics registry; a no-op in unit tests. */
public interface EngineMetrics {
    EngineMetrics NONE = new EngineMetrics() {
    };

    default void stepped(Rollout rollout) {
    }

    default void ringApplied(Rollout rollout, int ring, Duration took) {
    }

    default void evaluated(RingVerdict verdict) {
    }

    default void halted(Rollout rollout) {
    }

    default void rolledBack(Rollout rollout) {
    }
}
