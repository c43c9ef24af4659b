package dev.ripple.health.prometheus;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * Where health-check queries go. The prefix is {@code ripple.health.prometheus} rather than {@code ripple.health}: a
 * mapping refuses unknown keys under its prefix, and other parts of Ripple keep their own keys under
 * {@code ripple.health}.
 */
@ConfigMapping(prefix = "ripple.health.prometheus")
public interface PrometheusConfig {

    /**
     * Prometheus' base URL, {@code /api/v1/query} is appended (a path prefix such as {@code /prometheus} is kept).
     * Without it every query fails, so no health check can pass and gradual rollouts halt at their first check.
     */
    Optional<String> url();

    /** How long one query may take, connecting included, before it counts as failed. */
    @WithDefault("5s")
    Duration timeout();

    /**
     * The name of an environment variable holding a bearer token for a Prometheus behind an authenticating proxy.
     * The token itself is never configured in a file, logged, or put into a failure reason.
     */
    Optional<String> bearerTokenEnv();
}
