package dev.ripple.cells;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A circuit breaker for one cell, so that one sick cell fails fast without tripping the others. Opens after
 * {@code threshold} transient failures in a row, stays open for {@code openFor}, then lets a single probe through
 * (half-open): success closes it, failure opens it again. Only transient failures (timeouts, 5xx, 429, connection
 * errors) count; a cell that refuses a bad change is healthy.
 */
final class CellBreaker {
    enum State { CLOSED, OPEN, HALF_OPEN }

    private final Clock clock;
    private final int threshold;
    private final Duration openFor;
    private int consecutiveFailures;
    private Instant openUntil;
    private boolean probeInFlight;

    CellBreaker(Clock clock, int threshold, Duration openFor) {
        this.clock = clock;
        this.threshold = threshold;
        this.openFor = openFor;
    }

    /** Whether a call may go out now. In half-open state only one probe is admitted at a time. */
    synchronized boolean tryAcquire() {
        if (openUntil == null) {
            return true;
        }
        if (clock.instant().isBefore(openUntil) || probeInFlight) {
            return false;
        }
        probeInFlight = true;
        return true;
    }

    synchronized void onSuccess() {
        consecutiveFailures = 0;
        openUntil = null;
        probeInFlight = false;
    }

    synchronized void onTransientFailure() {
        consecutiveFailures++;
        if (probeInFlight || consecutiveFailures >= threshold) {
            openUntil = clock.instant().plus(openFor);
        }
        probeInFlight = false;
    }

    /** A call that was admitted but ended without a verdict on the cell's health (e.g. refused as invalid). */
    synchronized void onNeutral() {
        probeInFlight = false;
    }

    synchronized State state() {
        if (openUntil == null) {
            return State.CLOSED;
        }
        return clock.instant().isBefore(openUntil) ? State.OPEN : State.HALF_OPEN;
    }

    synchronized Instant openUntil() {
        return openUntil;
    }
}
