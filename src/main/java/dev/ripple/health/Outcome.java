package dev.ripple.health;

/** What one check (or a ring's set of checks) says about a ring, worst last. */
public enum Outcome {
    HEALTHY("healthy"),
    /** No data or NaN: the query ran but cannot vouch for the ring. Never a pass. */
    INCONCLUSIVE("inconclusive"),
    /** The query could not be answered. Never a pass. */
    ERROR("error"),
    HALT("halt"),
    ROLLBACK("rollback");

    private final String wireName;

    Outcome(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public boolean isConclusive() {
        return this != INCONCLUSIVE && this != ERROR;
    }

    public Outcome worst(Outcome other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
