package dev.ripple.rollout;

import java.util.Set;

/**
 * Timeline event types. Facts report what happened to cells and are stored even when the step that saw them loses a
 * race for the rollout row (the cells changed regardless); every other event is stored only with its state change.
 * A ring's {@code ring-restore} opens the restore events of its cells in the same step, so it is a fact too: stored
 * with them, before them, and never lost when the step's state change is. ({@code ring-apply} is recorded with the
 * move into the ring's apply, a step before any of its cells is written.)
 */
public final class RolloutEvents {
    private static final Set<String> FACTS = Set.of("snapshot", "cell-changed", "cell-failed", "ring-restore",
            "cell-restored", "restore-failed");

    private RolloutEvents() {
    }

    public static boolean isFact(String type) {
        return FACTS.contains(type);
    }
}
