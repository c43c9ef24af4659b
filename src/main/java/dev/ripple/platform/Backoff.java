package dev.ripple.platform;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Waits between attempts at a remote call: exponential, capped, and partly random so that many callers failing
 * together (a fleet's cells, a chat service's webhooks) do not retry together.
 */
public final class Backoff {
    private Backoff() {
    }

    /**
     * {@code initial} doubled for each attempt after the first, capped at {@code max}; a {@code jitter} share (0–1)
     * of that wait is drawn at random around its middle. Never less than a millisecond.
     *
     * @param attempt the attempt that just failed, 1 for the first
     */
    public static Duration exponential(int attempt, Duration initial, Duration max, double jitter) {
        long base = initial.toMillis() << Math.min(Math.max(attempt, 1) - 1, 20);
        long capped = Math.min(base, max.toMillis());
        double share = Math.max(0, Math.min(1, jitter));
        long random = (long) (capped * share * ThreadLocalRandom.current().nextDouble());
        return Duration.ofMillis(Math.max(1, capped - (long) (capped * share / 2) + random));
    }
}
