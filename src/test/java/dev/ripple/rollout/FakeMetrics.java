package dev.ripple.rollout;

import dev.ripple.health.MetricsSource;
import dev.ripple.health.QueryResult;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Answers the fixture's {@code errors{ring="N"}} check with whatever value a test set for ring N (healthy 0). */
final class FakeMetrics implements MetricsSource {
    private static final Pattern RING = Pattern.compile("ring=\"(-?\\d+)\"");
    final Map<Integer, QueryResult> byRing = new HashMap<>();
    final List<String> queries = new ArrayList<>();

    void errors(int ring, double value) {
        byRing.put(ring, new QueryResult.Samples(List.of(value)));
    }

    void answer(int ring, QueryResult result) {
        byRing.put(ring, result);
    }

    @Override
    public QueryResult query(String promql) {
        queries.add(promql);
        Matcher m = RING.matcher(promql);
        int ring = m.find() ? Integer.parseInt(m.group(1)) : Integer.MIN_VALUE;
        return byRing.getOrDefault(ring, new QueryResult.Samples(List.of(0.0)));
    }
}
