package dev.ripple.health;

/**
 * Where health-check queries are answered: Prometheus in production, a fake in unit tests. Blocking, bounded by the
 * implementation's own timeout, and never throws: every failure comes back as {@link QueryResult.Failed}.
 */
public interface MetricsSource {
    QueryResult query(String promql);
}
