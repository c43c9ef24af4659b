package dev.ripple.rollout;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How the engine paces and shares rollouts. */
@ConfigMapping(prefix = "ripple.rollouts")
public interface RolloutsConfig {
    /** How often each instance looks for rollouts due a step. */
    @WithDefault("1s")
    Duration tick();

    /** How often health checks run during a bake, and while a halted or paused rollout is watched. */
    @WithDefault("30s")
    Duration checkEvery();

    /** Evaluations in a row with no data, NaN or a Prometheus error before a rollout halts. */
    @WithDefault("3")
    int maxInconclusive();

    /** How often a rollout blocked by an incident looks again. */
    @WithDefault("15s")
    Duration blockedRecheck();

    /** How long an instance holds a rollout between renewals; another instance takes it over after this. */
    @WithDefault("30s")
    Duration lease();

    /** Rollouts one instance steps at the same time. */
    @WithDefault("8")
    int workers();

    /**
     * Rollouts one instance creates at the same time; more requests wait their turn. Creating one writes a row per
     * cell: a burst of requests (a bot starting a hundred rollouts) each doing that at once would take every core,
     * and the query API with them.
     */
    @WithDefault("4")
    int concurrentStarts();

    /** How long a request to start a rollout waits for its turn before it is answered 503 busy. */
    @WithDefault("30s")
    Duration startWait();
}
