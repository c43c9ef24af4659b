package dev.ripple.rollout;

import java.util.Set;

/**
 * Timeline event types. Facts report what happened to cells and are stored even when the step that saw them loses a
 * race for the rollout row (the cells changed regardless); every other event is stored only with its state change.
 * A ring's {@code ring-apply} and {@code ring-restore} open its cell events, so they are facts too: stored with them,
 * in order before them, and never lost when the step's state change is.
 */
public final class RolloutEvents {
    private static final Set<String> FACTS = Set.of("snapshot", "ring-apply", "cell-changed", "cell-failed",
            "ring-restore", "cell-restored", "restore-failed");

    private RolloutEvents() {
    }

    public static boolean isFact(String type) {
        return FACTS.contains(type);
    }
}
