package dev.ripple.rollout;

import dev.ripple.health.HealthEvaluator;
import dev.ripple.health.QueryResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Workers take rollouts in turn. Found by src/bench/load-bench.sh: with 100 rollouts on 8 workers and evaluations
 * slower than the check interval, the rollouts first picked kept their workers (each step left them due at once)
 * and 90 rollouts never took a step in four minutes.
 */
class RolloutDriverTest {
    private final EngineFixture f = new EngineFixture();
    private final List<Long> stepped = new CopyOnWriteArrayList<>();
    private RolloutDriver driver;

    @AfterEach
    void stop() throws InterruptedException {
        if (driver != null) {
            driver.onStop(null);
        }
    }

    @Test
    void aRolloutWaitingForAWorkerIsSteppedBeforeTheOneAheadStepsAgain() {
        // Given a halted rollout whose every evaluation takes longer than the check interval, so that each watch
        // step leaves it due at once, and a new rollout of another flag
        long halted = f.startHaltedOnRing1();
        // (its first evaluation waits until both rollouts are kicked: otherwise the worker may step it a few times
        // before the second kick reaches the queue, as it did once in CI)
        CountDownLatch bothKicked = new CountDownLatch(1);
        f.metrics.live.put(0, () -> {
            awaitQuietly(bothKicked);
            f.clock.advance(EngineFixture.CHECK_EVERY.multipliedBy(2));
            return new QueryResult.Samples(List.of(0.0));
        });
        RolloutRequest other = new RolloutRequest("other_flag", EngineFixture.on(), 3, Mode.GRADUAL, List.of(),
                "alice", "testing", null, null);
        long waiting = f.store.create(other, "hash-2", Planner.plan(f.topology, other), f.clock.instant())
                .rollout().id();
        f.clock.advance(EngineFixture.CHECK_EVERY);
        driver = driverWithOneWorker();

        // When both are due on an instance with one worker
        driver.kick(halted);
        driver.kick(waiting);
        bothKicked.countDown();

        // Then the new rollout takes its first step after at most a few of the halted one's
        await().atMost(Duration.ofSeconds(30)).until(() -> stepped.contains(waiting));
        assertThat(stepped.indexOf(waiting)).as("steps before the waiting rollout's first").isLessThanOrEqualTo(3);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private RolloutDriver driverWithOneWorker() {
        EngineMetrics recording = new EngineMetrics() {
            @Override
            public void stepped(Rollout rollout) {
                stepped.add(rollout.id());
            }
        };
        RolloutEngine engine = new RolloutEngine(f.store, f.cells, new HealthEvaluator(f.metrics),
                f.topology::checks, ring -> List.of(), n -> {
                }, f.clock, new EngineSettings(EngineFixture.CHECK_EVERY, 3, Duration.ofSeconds(30)), recording);
        RolloutDriver d = new RolloutDriver(engine, f.store, new RolloutsConfig() {
            @Override
            public Duration tick() {
                return Duration.ofSeconds(1);
            }

            @Override
            public Duration checkEvery() {
                return EngineFixture.CHECK_EVERY;
            }

            @Override
            public int maxInconclusive() {
                return 3;
            }

            @Override
            public Duration blockedRecheck() {
                return Duration.ofSeconds(30);
            }

            @Override
            public Duration lease() {
                return Duration.ofSeconds(30);
            }

            @Override
            public int workers() {
                return 1;
            }

            @Override
            public int concurrentStarts() {
                return 2;
            }

            @Override
            public Duration startWait() {
                return Duration.ofSeconds(30);
            }
        }, f.clock);
        d.onStart(null);
        return d;
    }
}
