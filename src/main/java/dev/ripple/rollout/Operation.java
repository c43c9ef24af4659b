package dev.ripple.rollout;

import java.util.Arrays;
import java.util.Optional;

/** What an operator can do to a rollout, in Argo Rollouts' words. */
public enum Operation {
    PAUSE, RESUME, PROMOTE, ABORT, ROLLBACK, RETRY;

    public String wireName() {
        return name().toLowerCase();
    }

    public static Optional<Operation> fromWireName(String name) {
        return Arrays.stream(values()).filter(o -> o.wireName().equals(name)).findFirst();
    }
}
