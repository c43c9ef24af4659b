package dev.ripple.health.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.health.QueryResult;
import dev.ripple.platform.Failures;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an answer of Prometheus' query API
 * ({@code {"status":"success","data":{"resultType":"vector","result":[...]}}}) into a {@link QueryResult}. Every
 * answer that is not a readable vector or scalar becomes {@link QueryResult.Failed} with a reason an operator can act
 * on; nothing here throws.
 */
final class PrometheusAnswer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PrometheusAnswer() {
    }

    static QueryResult read(int status, String body) {
        JsonNode doc = parse(body);
        if (doc != null && "error".equals(doc.path("status").asText())) {
            return new QueryResult.Failed("Prometheus refused the query (" + doc.path("errorType").asText("unknown")
                    + "): " + doc.path("error").asText("no reason given") + " (HTTP " + status + ")");
        }
        if (status != 200) {
            return new QueryResult.Failed("Prometheus answered HTTP " + status
                    + (body.isBlank() ? "" : ": " + Failures.snippet(body)));
        }
        if (doc == null || !doc.isObject()) {
            return new QueryResult.Failed("Prometheus answered HTTP 200 with a body that is not a query result: "
                    + Failures.snippet(body));
        }
        if (!"success".equals(doc.path("status").asText())) {
            return new QueryResult.Failed("Prometheus answered with status '" + doc.path("status").asText()
                    + "', expected 'success'");
        }
        JsonNode data = doc.path("data");
        String type = data.path("resultType").asText();
        JsonNode result = data.path("result");
        try {
            return switch (type) {
                case "vector" -> vector(result);
                case "scalar" -> new QueryResult.Samples(List.of(sample(result)));
                case "matrix" -> new QueryResult.Failed("the query returns a range vector; a health check needs an "
                        + "instant vector or a scalar (drop the [range] selector or wrap it in a function)");
                case "string" -> new QueryResult.Failed("the query returns a string, not a number");
                default -> new QueryResult.Failed("Prometheus answered an unknown result type '" + type + "'");
            };
        } catch (IllegalArgumentException e) {
            return new QueryResult.Failed("Prometheus answered a " + type + " Ripple cannot read: " + e.getMessage());
        }
    }

    private static QueryResult vector(JsonNode result) {
        if (!result.isArray()) {
            throw new IllegalArgumentException("'result' is not a list");
        }
        if (result.isEmpty()) {
            return new QueryResult.NoData();
        }
        List<Double> values = new ArrayList<>(result.size());
        for (JsonNode series : result) {
            values.add(sample(series.path("value")));
        }
        return new QueryResult.Samples(values);
    }

    /** A {@code [timestamp, "value"]} pair; Prometheus writes values as strings, specials as NaN, +Inf and -Inf. */
    private static double sample(JsonNode pair) {
        if (!pair.isArray() || pair.size() != 2 || !pair.get(1).isTextual()) {
            throw new IllegalArgumentException("expected [timestamp, \"value\"], got " + Failures.snippet(pair.toString()));
        }
        String text = pair.get(1).asText();
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + Failures.snippet(text) + "' is not a number");
                }
            }
        };
    }

    private static JsonNode parse(String body) {
        try {
            return body.isBlank() ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
