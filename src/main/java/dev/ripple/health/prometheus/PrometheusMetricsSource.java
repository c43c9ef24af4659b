package dev.ripple.health.prometheus;

import dev.ripple.health.MetricsSource;
import dev.ripple.health.QueryResult;
import dev.ripple.platform.Failures;
import dev.ripple.platform.HttpUrls;
import dev.ripple.platform.RestClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Answers health-check queries with instant queries against Prometheus' HTTP API
 * ({@code GET {url}/api/v1/query?query=...}). Blocking, for the rollout engine's worker threads; bounded by
 * {@code ripple.health.prometheus.timeout}; and it never throws: an unconfigured or unreachable Prometheus, an HTTP
 * error, a refused query or an unreadable answer all come back as {@link QueryResult.Failed} with the reason.
 */
@ApplicationScoped
public class PrometheusMetricsSource implements MetricsSource {
    static final String NOT_CONFIGURED = "no Prometheus configured: set ripple.health.prometheus.url";

    private final String url;
    private final Duration timeout;
    private final Optional<String> tokenEnv;
    private final UnaryOperator<String> environment;
    private final MeterRegistry registry;
    /** Null when there is nothing to call; {@link #unusable} then says why. */
    private final PrometheusQueryClient client;
    private final String unusable;

    @Inject
    PrometheusMetricsSource(PrometheusConfig config, MeterRegistry registry) {
        this(config.url().orElse(null), config.timeout(), config.bearerTokenEnv(), System::getenv, registry);
    }

    PrometheusMetricsSource(String url, Duration timeout, Optional<String> tokenEnv,
                            UnaryOperator<String> environment, MeterRegistry registry) {
        this.timeout = timeout;
        this.tokenEnv = tokenEnv.filter(name -> !name.isBlank());
        this.environment = environment;
        this.registry = registry;
        String base = url == null || url.isBlank() ? null : url.strip().replaceAll("/+$", "");
        Optional<URI> uri = base == null ? Optional.empty() : HttpUrls.base(base);
        this.url = uri.isPresent() ? base : null;
        this.unusable = base == null ? NOT_CONFIGURED : uri.isEmpty()
                ? "ripple.health.prometheus.url is not an http(s) URL without user, query or fragment" : null;
        this.client = uri.map(u -> RestClients.build(PrometheusQueryClient.class, u, timeout)).orElse(null);
    }

    /**
     * A source for one Prometheus at a URL known only at run time: a test's own Prometheus server, which a test
     * installs in place of the configured bean.
     */
    public static PrometheusMetricsSource at(String url, Duration timeout, MeterRegistry registry) {
        return new PrometheusMetricsSource(url, timeout, Optional.empty(), System::getenv, registry);
    }

    @Override
    public QueryResult query(String promql) {
        long started = System.nanoTime();
        QueryResult result;
        try {
            result = run(promql);
        } catch (RuntimeException e) {
            // A timeout of the wait itself, or a wait attempted on an event loop: still an answer, never an exception.
            result = Failures.isTimeout(e) ? noAnswer()
                    : new QueryResult.Failed("querying Prometheus at " + url + " failed: " + Failures.describe(e));
        }
        record(result, System.nanoTime() - started);
        if (result instanceof QueryResult.Failed failed) {
            Log.debugf("Health query failed: %s; query: %s", failed.reason(), promql);
        }
        return result;
    }

    private QueryResult run(String promql) {
        if (client == null) {
            return new QueryResult.Failed(unusable);
        }
        if (promql == null || promql.isBlank()) {
            return new QueryResult.Failed("the query is empty");
        }
        String authorization = null;
        if (tokenEnv.isPresent()) {
            String token = environment.apply(tokenEnv.get());
            if (token == null || token.isBlank()) {
                return new QueryResult.Failed("the environment variable " + tokenEnv.get()
                        + " named by ripple.health.prometheus.bearer-token-env is not set");
            }
            authorization = "Bearer " + token.strip();
        }
        return client.query(promql, authorization)
                .map(this::read)
                .ifNoItem().after(timeout).recoverWithItem(this::noAnswer)
                .onFailure().recoverWithItem(t -> Failures.isTimeout(t) ? noAnswer() : new QueryResult.Failed(
                        "Prometheus at " + url + " could not be reached: " + Failures.describe(t)))
                // The Uni gives up at the timeout; the extra second only guards against a stuck callback.
                .await().atMost(timeout.plusSeconds(1));
    }

    /** The HTTP client's read timeout, the Uni's and the wait's all say this: which fires first is up to the load. */
    private QueryResult noAnswer() {
        return new QueryResult.Failed("Prometheus at " + url + " did not answer within " + timeout.toMillis() + " ms");
    }

    private QueryResult read(Response response) {
        try (response) {
            String body = response.hasEntity() ? response.readEntity(String.class) : "";
            return PrometheusAnswer.read(response.getStatus(), body == null ? "" : body);
        }
    }

    private void record(QueryResult result, long nanos) {
        String outcome = result instanceof QueryResult.Samples ? "samples"
                : result instanceof QueryResult.NoData ? "no-data" : "failed";
        registry.counter("ripple.health.queries", "outcome", outcome).increment();
        Timer.builder("ripple.health.query")
                .description("Health-check queries to Prometheus, by outcome")
                .tags("outcome", outcome)
                .register(registry)
                .record(Duration.ofNanos(nanos));
    }

    /** Releases the HTTP client: at shutdown for the bean, after a test for one made with {@link #at}. */
    @PreDestroy
    public void close() {
        RestClients.close(client);
    }
}
