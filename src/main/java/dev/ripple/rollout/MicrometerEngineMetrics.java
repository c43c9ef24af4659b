package dev.ripple.rollout;

import dev.ripple.health.RingVerdict;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/** {@code ripple.rollout.*} metrics: ring apply time, check evaluations by outcome, halts and rollbacks. */
@ApplicationScoped
class MicrometerEngineMetrics implements EngineMetrics {
    private final MeterRegistry registry;

    MicrometerEngineMetrics(MeterRegistry registry) {
        this.registry = registry;
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
