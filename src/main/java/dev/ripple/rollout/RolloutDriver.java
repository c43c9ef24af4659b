package dev.ripple.rollout;

import dev.ripple.platform.InstanceId;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the engine: every tick, takes the lease on each rollout due a step and steps it on a worker until it has to
 * wait (a bake, an incident, a human). Workers take rollouts in turn: after a step that leaves its rollout due at
 * once, a worker moves on to the next rollout waiting, if any, and the rollout goes to the back of the line, so a
 * rollout whose steps take longer than the check interval cannot keep a worker to itself. Several instances on one
 * database share the work through the leases; an instance that dies stops renewing its leases, and another takes
 * its rollouts over once they expire.
 */
@ApplicationScoped
public class RolloutDriver {
    private final RolloutEngine engine;
    private final RolloutStore store;
    private final RolloutsConfig config;
    private final Clock clock;
    private final String owner;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private ThreadPoolExecutor workers;

    RolloutDriver(RolloutEngine engine, RolloutStore store, RolloutsConfig config, Clock clock) {
        this.engine = engine;
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.owner = InstanceId.current();
    }

    void onStart(@Observes StartupEvent event) {
        AtomicInteger n = new AtomicInteger();
        int size = Math.max(1, config.workers());
        workers = new ThreadPoolExecutor(size, size, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "ripple-rollout-" + n.incrementAndGet());
            t.setDaemon(true);
            // Behind the query API when the cores are busy (with -XX:ThreadPriorityPolicy=1; docs/operations.md).
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        });
        Log.infof("Rollout engine %s started; unfinished rollouts resume from where they were", owner);
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        workers.shutdown();
        workers.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** This instance's name in leases. */
    public String owner() {
        return owner;
    }

    @Scheduled(every = "${ripple.rollouts.tick:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        Instant now = clock.instant();
        // Rollouts being stepped here keep their lease while a long step (a slow ring) runs.
        for (Long id : inFlight) {
            store.claim(id, owner, now, now.plus(config.lease()));
        }
        for (Long id : store.due(now, 100)) {
            kick(id);
        }
    }

    /** Steps a rollout now on a worker, unless this instance is already stepping it. */
    public void kick(long id) {
        if (workers == null || !inFlight.add(id)) {
            return;
        }
        try {
            workers.submit(() -> drive(id));
        } catch (RejectedExecutionException e) {
            inFlight.remove(id);
        }
    }

    private void drive(long id) {
        boolean requeue = false;
        try {
            Instant now = clock.instant();
            if (!store.claim(id, owner, now, now.plus(config.lease()))) {
                return;
            }
            try {
                Rollout last = null;
                for (int steps = 0; steps < 10_000; steps++) {
                    RolloutEngine.StepResult result = engine.step(id, owner, last);
                    last = result.rollout();
                    if (!result.saved()) {
                        // Someone else changed the row (an operator); go again on the fresh state.
                        if (!store.claim(id, owner, clock.instant(), clock.instant().plus(config.lease()))) {
                            return;
                        }
                        continue;
                    }
                    if (!result.wantsStepBy(clock.instant())) {
                        return;
                    }
                    if (!workers.getQueue().isEmpty()) {
                        // Others are waiting: their turn first. The lease stays, renewed by the tick.
                        requeue = true;
                        return;
                    }
                }
            } finally {
                if (!requeue) {
                    store.release(id, owner);
                }
            }
        } catch (RuntimeException e) {
            Log.errorf(e, "Stepping rollout %d failed; it will be retried at the next tick", id);
        } finally {
            if (!requeue || !resubmit(id)) {
                inFlight.remove(id);
            }
        }
    }

    /** Puts a rollout this worker was stepping at the back of the line; false when the workers are shut down. */
    private boolean resubmit(long id) {
        try {
            workers.execute(() -> drive(id));
            return true;
        } catch (RejectedExecutionException e) {
            try {
                store.release(id, owner);
            } catch (RuntimeException ignored) {
                // Shutting down: the lease expires by itself.
            }
            return false;
        }
    }
}
