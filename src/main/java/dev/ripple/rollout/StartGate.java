package dev.ripple.rollout;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Lets a few rollouts be created at a time on this instance ({@code ripple.rollouts.concurrent-starts}); the other
 * requests wait their turn, in order, without a core. Creating a rollout writes a row per cell of its plan: a burst
 * of requests (a bot starting a hundred rollouts) all doing that at once took both cores of a small machine for
 * seconds, and every query the API answered meanwhile waited as long.
 */
@ApplicationScoped
public class StartGate {
    private final Semaphore turns;
    private final int concurrent;
    private final Duration wait;

    @Inject
    StartGate(RolloutsConfig config) {
        this(config.concurrentStarts(), config.startWait());
    }

    StartGate(int concurrent, Duration wait) {
        this.concurrent = Math.max(1, concurrent);
        this.turns = new Semaphore(this.concurrent, true);
        this.wait = wait;
    }

    /** Requests waiting for a turn now. */
    public int waiting() {
        return turns.getQueueLength();
    }

    /**
     * Runs {@code work} once a turn is free.
     *
     * @throws TooManyStarts no turn came within the wait; {@code work} did not run
     */
    public <T> T admit(Supplier<T> work) {
        try {
            if (!turns.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new TooManyStarts(concurrent, wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TooManyStarts(concurrent, wait);
        }
        try {
            return work.get();
        } finally {
            turns.release();
        }
    }
}
