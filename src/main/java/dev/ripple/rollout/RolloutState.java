package dev.ripple.rollout;

import java.util.Arrays;
import java.util.Optional;

/** Where a rollout stands. Terminal states never change again. */
public enum RolloutState {
    /** Working through its plan. */
    RUNNING,
    /** Waiting for an incident on the next ring to clear; resumes by itself. */
    BLOCKED,
    /** Stopped by an operator; resumes when told. */
    PAUSED,
    /** Stopped by a failed cell or an unhealthy ring; waits for a human (resume, retry, rollback, abort). */
    HALTED,
    /** Restoring every touched cell to its snapshot, outermost ring first. */
    ROLLING_BACK,
    ROLLED_BACK(true),
    ABORTED(true),
    COMPLETED(true),
    COMPLETED_WITH_FAILURES(true);

    private final boolean terminal;

    RolloutState() {
        this(false);
    }

    RolloutState(boolean terminal) {
        this.terminal = terminal;
    }

    public boolean isTerminal() {
        return terminal;
    }

    public String wireName() {
        return name().toLowerCase().replace('_', '-');
    }

    public static Optional<RolloutState> fromWireName(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(name) || s.name().equals(name)).findFirst();
    }
}
