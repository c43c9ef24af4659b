package dev.ripple.rollout;

import dev.ripple.health.MetricsSource;
import dev.ripple.health.QueryResult;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Answers the fixture's {@code errors{ring="N"}} check with whatever value a test set for ring N (healthy 0). */
final class FakeMetrics implements MetricsSource {
    private static final Pattern RING = Pattern.compile("ring=\"(-?\\d+)\"");
    final Map<Integer, QueryResult> byRing = new HashMap<>();
    final Map<Integer, Supplier<QueryResult>> live = new HashMap<>();
    final List<String> queries = new ArrayList<>();

    void errors(int ring, double value) {
        byRing.put(ring, new QueryResult.Samples(List.of(value)));
    }

    void answer(int ring, QueryResult result) {
        byRing.put(ring, result);
    }

    /** Ring N answers {@code value} whenever {@code when} holds, healthy otherwise: health that follows the cells. */
    void errorsWhile(int ring, BooleanSupplier when, double value) {
        live.put(ring, () -> new QueryResult.Samples(List.of(when.getAsBoolean() ? value : 0.0)));
    }

    @Override
    public QueryResult query(String promql) {
        queries.add(promql);
        Matcher m = RING.matcher(promql);
        int ring = m.find() ? Integer.parseInt(m.group(1)) : Integer.MIN_VALUE;
        if (live.containsKey(ring)) {
            return live.get(ring).get();
        }
        return byRing.getOrDefault(ring, new QueryResult.Samples(List.of(0.0)));
    }
}
