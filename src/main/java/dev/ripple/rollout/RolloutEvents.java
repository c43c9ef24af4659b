package dev.ripple.rollout;

import java.util.Set;

/**
 * Timeline event types. Facts report what happened to cells and are stored even when the step that saw them loses a
 * race for the rollout row (the cells changed regardless); every other event is stored only with its state change.
 */
public final class RolloutEvents {
    private static final Set<String> FACTS = Set.of("snapshot", "cell-changed", "cell-failed", "cell-restored",
            "restore-failed");

    private RolloutEvents() {
    }

    public static boolean isFact(String type) {
        return FACTS.contains(type);
    }
}
