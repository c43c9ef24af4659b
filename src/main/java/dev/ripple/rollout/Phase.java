package dev.ripple.rollout;

/** The step a running rollout is at within its current ring. */
public enum Phase {
    /** Gradual only: incidents and the ring's health are checked before anything is applied. */
    PREFLIGHT,
    /** Each cell's current gates are read and stored: the rollback point. */
    SNAPSHOT,
    /** The change is written to every cell of the ring and read back. */
    APPLY,
    /** Gradual only: waiting out the bake time while the checks run. */
    BAKE;

    public String wireName() {
        return name().toLowerCase();
    }
}
