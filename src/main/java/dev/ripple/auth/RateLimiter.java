package dev.ripple.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per principal: {@code burst} calls at once, refilled at {@code per-minute}. Kept per instance (each
 * replica allows the full rate; docs/security.md). Shared by the API and ChatOps, so a looping bot is held to the
 * limit of the chat user it acts for.
 */
@ApplicationScoped
public class RateLimiter {
    private static final int MAX_PRINCIPALS = 10_000;

    private final int perMinute;
    private final double capacity;
    private final double perNano;
    private final LongSupplier nanos;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    @Inject
    RateLimiter(AuthConfig config) {
        this(config.rateLimit().perMinute(), config.rateLimit().burst(), System::nanoTime);
    }

    RateLimiter(int perMinute, int burst, LongSupplier nanos) {
        this.perMinute = perMinute;
        this.capacity = Math.max(1, burst);
        this.perNano = perMinute / 60e9;
        this.nanos = nanos;
    }

    /** Takes one call from the principal's bucket, or throws {@link RateLimitExceeded}. */
    public void acquire(String principal) {
        if (perMinute <= 0) {
            return;
        }
        if (buckets.size() > MAX_PRINCIPALS) {
            buckets.clear();
        }
        Bucket bucket = buckets.computeIfAbsent(principal, p -> new Bucket(capacity, nanos.getAsLong()));
        synchronized (bucket) {
            long now = nanos.getAsLong();
            bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * perNano);
            bucket.at = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return;
            }
            long wait = (long) Math.ceil((1 - bucket.tokens) / perNano / 1e9);
            throw new RateLimitExceeded(principal, Math.max(1, wait), perMinute);
        }
    }
}
