package dev.ripple.flags;

import java.util.Arrays;
import java.util.Optional;

/** What a flag is for, which decides how it may be rolled out. */
public enum FlagType {
    /** Guards a risky change; rolled out ring by ring and removed once fully on. */
    DERISK("derisk"),
    /** An operational switch (kill switch, tuning knob); long-lived, flipped during incidents. */
    OPS("ops"),
    /** An experiment or A/B test. */
    EXPERIMENT("experiment");

    private final String wireName;

    FlagType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<FlagType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}
