package dev.ripple.rollout;

import dev.ripple.health.RingVerdict;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Tag;
import io.quarkus.scheduler.Scheduled;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** {@code ripple.rollout.*} metrics: ring apply time, check evaluations by outcome, halts and rollbacks. */
@ApplicationScoped
class MicrometerEngineMetrics implements EngineMetrics {
    private final MeterRegistry registry;
    private final Map<RolloutState, AtomicLong> byState = new EnumMap<>(RolloutState.class);
    private final RolloutStore store;

    MicrometerEngineMetrics(MeterRegistry registry, RolloutStore store) {
        this.registry = registry;
        this.store = store;
        for (RolloutState state : RolloutState.values()) {
            AtomicLong count = new AtomicLong();
            byState.put(state, count);
            registry.gauge("ripple.rollouts", List.of(Tag.of("state", state.wireName())), count);
        }
    }

    /** Counted from the database, so every instance reports the whole fleet's rollouts. */
    @Scheduled(every = "15s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void countRollouts() {
        store.countByState().forEach((state, n) -> byState.get(state).set(n));
    }

    @Override
    public void ringApplied(Rollout rollout, int ring, Duration took) {
        Timer.builder("ripple.rollout.ring.apply")
                .description("Writing a change to every cell of a ring and reading it back")
                .tags("mode", rollout.request().mode().wireName(), "ring", Integer.toString(ring))
                .register(registry).record(took);
    }

    @Override
    public void evaluated(RingVerdict verdict) {
        registry.counter("ripple.health.evaluations", "outcome", verdict.outcome().wireName(),
                "ring", Integer.toString(verdict.ring())).increment();
    }

    @Override
    public void halted(Rollout rollout) {
        registry.counter("ripple.rollout.halts", "flag", rollout.request().flag()).increment();
    }

    @Override
    public void rolledBack(Rollout rollout) {
        registry.counter("ripple.rollout.rollbacks", "flag", rollout.request().flag()).increment();
    }
}
