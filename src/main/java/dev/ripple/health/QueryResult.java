package dev.ripple.health;

import java.util.List;

/**
 * The answer to one instant query. Only {@link Samples} can ever make a check pass; {@link NoData} is inconclusive and
 * {@link Failed} is an error, and neither lets a rollout proceed.
 */
public sealed interface QueryResult {

    /** One value per series the query returned (at least one); a value may be NaN or infinite. */
    record Samples(List<Double> values) implements QueryResult {
        public Samples {
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("Samples needs at least one value; use NoData");
            }
        }
    }

    /** The query ran and matched no series. */
    record NoData() implements QueryResult {
    }

    /** The query could not be answered (unreachable, timeout, HTTP error, bad PromQL, unreadable answer). */
    record Failed(String reason) implements QueryResult {
    }
}
