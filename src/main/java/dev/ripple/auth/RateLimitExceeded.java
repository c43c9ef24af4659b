package dev.ripple.auth;

/** A principal made more mutating calls than its rate allows; answered 429 with {@code Retry-After}. */
public class RateLimitExceeded extends RuntimeException {
    private final long retryAfterSeconds;

    public RateLimitExceeded(String principal, long retryAfterSeconds, int perMinute) {
        super(principal + " made more than " + perMinute + " changes a minute; try again in " + retryAfterSeconds
                + " s");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
