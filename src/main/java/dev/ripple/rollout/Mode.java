package dev.ripple.rollout;

import java.util.Arrays;
import java.util.Optional;

/** Gradual: ring by ring with preflight, bake and health checks. Immediate: every ring at once, for incidents. */
public enum Mode {
    GRADUAL, IMMEDIATE;

    public String wireName() {
        return name().toLowerCase();
    }

    public static Optional<Mode> fromWireName(String name) {
        return Arrays.stream(values()).filter(m -> m.wireName().equals(name)).findFirst();
    }
}
