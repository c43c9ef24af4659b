package dev.ripple.rollout;

/** An idempotency key came back with a different request than the one it first started. */
public class IdempotencyKeyReuse extends RuntimeException {
    private final long rolloutId;

    public IdempotencyKeyReuse(String key, long rolloutId) {
        super("idempotency key '" + key + "' was used for rollout " + rolloutId + " with a different request");
        this.rolloutId = rolloutId;
    }

    public long rolloutId() {
        return rolloutId;
    }
}
