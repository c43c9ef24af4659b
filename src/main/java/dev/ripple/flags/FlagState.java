package dev.ripple.flags;

/** GitLab's summary of a flag's gates: on when fully enabled, conditional when partly, off otherwise. */
public enum FlagState {
    ON, OFF, CONDITIONAL;

    public String wireName() {
        return name().toLowerCase();
    }
}
