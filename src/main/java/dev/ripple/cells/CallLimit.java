package dev.ripple.cells;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * At most {@code limit} calls in flight; the others wait their turn in order, without a thread. A call's place is
 * freed when it answers, fails or is cancelled, and a caller that cancels while waiting leaves the queue. Calls that
 * answer at once (a refused credential, an open breaker) start the next ones from a loop, not by recursion, so a
 * long queue of them cannot overflow the stack.
 */
final class CallLimit {
    private static final int WAITING = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;

    private final int limit;
    private final Queue<Ticket> waiting = new ArrayDeque<>();
    private int inFlight;
    private final Queue<Ticket> ready = new ConcurrentLinkedQueue<>();
    private final AtomicInteger draining = new AtomicInteger();

    CallLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("a call limit must be at least 1, not " + limit);
        }
        this.limit = limit;
    }

    /** Subscribes to {@code call} once it may run; the answer is the call's. */
    <T> Uni<T> run(Supplier<Uni<? extends T>> call) {
        return Uni.createFrom().emitter(emitter -> {
            Ticket ticket = new Ticket();
            ticket.start = () -> {
                Cancellable inner = Uni.createFrom().deferred(call).subscribe().with(
                        item -> {
                            finish(ticket);
                            emitter.complete(item);
                        },
                        failure -> {
                            finish(ticket);
                            emitter.fail(failure);
                        });
                ticket.inner = inner;
                if (ticket.state.get() == DONE) {
                    // Cancelled while starting (or already answered: cancelling then does nothing).
                    inner.cancel();
                }
            };
            // Also called once the answer is passed on; by then the ticket is done and this does nothing.
            emitter.onTermination(() -> cancel(ticket));
            enter(ticket);
        });
    }

    /** Calls running now (for tests and metrics). */
    synchronized int inFlight() {
        return inFlight;
    }

    synchronized int waiting() {
        return waiting.size();
    }

    private void enter(Ticket ticket) {
        synchronized (this) {
            if (inFlight >= limit) {
                waiting.add(ticket);
                return;
            }
            inFlight++;
        }
        ready.add(ticket);
        drain();
    }

    private void finish(Ticket ticket) {
        if (ticket.state.compareAndSet(RUNNING, DONE)) {
            release();
        }
    }

    private void cancel(Ticket ticket) {
        int was = ticket.state.getAndSet(DONE);
        if (was == WAITING) {
            // Not in the queue any more: it was just given a place, which drain() hands on since it is done.
            synchronized (this) {
                waiting.remove(ticket);
            }
        } else if (was == RUNNING) {
            Cancellable inner = ticket.inner;
            if (inner != null) {
                inner.cancel();
            }
            release();
        }
    }

    /** Passes the place of a call that ended to the next caller waiting, or frees it. */
    private void release() {
        Ticket next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                inFlight--;
                return;
            }
        }
        ready.add(next);
        drain();
    }

    /** Starts tickets given a place; one thread at a time, the others leave their tickets to it. */
    private void drain() {
        if (draining.getAndIncrement() != 0) {
            return;
        }
        do {
            Ticket ticket;
            while ((ticket = ready.poll()) != null) {
                if (ticket.state.compareAndSet(WAITING, RUNNING)) {
                    ticket.start.run();
                } else {
                    // Cancelled while its place was on the way: hand the place on.
                    release();
                }
            }
        } while (draining.decrementAndGet() != 0);
    }

    private static final class Ticket {
        final AtomicInteger state = new AtomicInteger(WAITING);
        Runnable start;
        volatile Cancellable inner;
    }
}
