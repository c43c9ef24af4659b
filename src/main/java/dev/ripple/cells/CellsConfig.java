package dev.ripple.cells;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How Ripple talks to cells. */
@ConfigMapping(prefix = "ripple.cells")
public interface CellsConfig {

    /**
     * Most cell calls in flight at once across Ripple: refreshes, rollouts and fresh reads share it, and each cell is
     * asked one thing at a time besides. At least the fleet's size, so that a refresh or a rollout's snapshot reads
     * every cell in one round and a ring's cells are all written at once. Also sizes the HTTP connection pool.
     */
    @WithDefault("1000")
    int concurrency();

    /** How long one attempt may take before it counts as a timeout. */
    @WithDefault("5s")
    Duration timeout();

    Retry retry();

    Breaker breaker();

    interface Retry {
        /**
         * Attempts per call, the first included. Only transient failures (5xx, 429, timeouts, connection) retry. Four:
         * a batch of 100 rollouts on 1,000 cells makes some 330,000 calls, and at 1 % transient errors three attempts
         * left a call failed for good (a gradual rollout halted) in about one batch in four; four, one in 300.
         */
        @WithDefault("4")
        int maxAttempts();

        /** Wait before the first retry; doubles each time up to {@link #maxBackoff()}. */
        @WithDefault("200ms")
        Duration initialBackoff();

        @WithDefault("2s")
        Duration maxBackoff();

        /** Share of each wait drawn at random (0–1), so retries from many cells do not arrive together. */
        @WithDefault("0.5")
        double jitter();
    }

    interface Breaker {
        /** Failed calls in a row (each after its retries) that open a cell's breaker. */
        @WithDefault("3")
        int failureThreshold();

        /** How long an open breaker fails calls fast before letting one probe through. */
        @WithDefault("30s")
        Duration openFor();
    }
}
