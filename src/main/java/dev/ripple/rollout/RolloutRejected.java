package dev.ripple.rollout;

/**
 * A rollout request refused before anything started, with a stable code for bots: {@code unknown-flag-definition},
 * {@code ring-out-of-range}, {@code invalid-change}, {@code contradictory-options}, {@code cell-not-in-quarantine},
 * {@code actor-change-not-outermost}, {@code unknown-cell}, {@code bad-request}.
 */
public class RolloutRejected extends RuntimeException {
    private final String code;

    public RolloutRejected(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
