package dev.ripple.health.prometheus;

import dev.ripple.health.QueryResult;
import dev.ripple.testing.StubHttpServer;
import dev.ripple.testing.StubHttpServer.Answer;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PrometheusMetricsSource} against a stub Prometheus: every answer of the query API, and every way a call can
 * go wrong, comes back as a {@link QueryResult}; nothing throws.
 */
@QuarkusTest
class PrometheusMetricsSourceTest {
    private static final String QUERY = "sum(rate(x{cell=~\"ea-1|ea-2\",code=~\"5..\"}[1m])) / (sum(y) + 0.5) > 1e-3";

    @Inject
    MeterRegistry registry;

    private final StubHttpServer prometheus = StubHttpServer.start();
    private final List<PrometheusMetricsSource> sources = new ArrayList<>();

    @AfterEach
    void stop() {
        sources.forEach(PrometheusMetricsSource::close);
        prometheus.close();
    }

    @Test
    void readsAVectorOfOneSeriesAndSendsTheQueryExactly() {
        // Given
        prometheus.answer(Answer.json(vector("\"0.1\"")));

        // When
        QueryResult result = source(prometheus.url()).query(QUERY);

        // Then
        assertThat(result).isEqualTo(new QueryResult.Samples(List.of(0.1)));
        StubHttpServer.Request asked = prometheus.lastRequest();
        assertThat(asked.method()).isEqualTo("GET");
        assertThat(asked.path()).isEqualTo("/api/v1/query");
        assertThat(asked.param("query")).isEqualTo(QUERY);
        assertThat(asked.authorization()).isNull();
    }

    @Test
    void readsOneValuePerSeries() {
        // Given
        prometheus.answer(Answer.json(vector("\"0.25\"", "\"3\"", "\"-1.5e-3\"")));

        // When
        QueryResult result = source(prometheus.url()).query("up");

        // Then
        assertThat(result).isEqualTo(new QueryResult.Samples(List.of(0.25, 3.0, -0.0015)));
    }

    @Test
    void readsAScalar() {
        // Given
        prometheus.answer(Answer.json("""
                {"status":"success","data":{"resultType":"scalar","result":[1700000000.123,"42"]}}"""));

        // When
        QueryResult result = source(prometheus.url()).query("scalar(up)");

        // Then
        assertThat(result).isEqualTo(new QueryResult.Samples(List.of(42.0)));
    }

    @Test
    void readsNotANumberAndInfinities() {
        // Given
        prometheus.answer(Answer.json(vector("\"NaN\"", "\"+Inf\"", "\"-Inf\"")));

        // When
        QueryResult result = source(prometheus.url()).query("0/0");

        // Then
        assertThat(((QueryResult.Samples) result).values())
                .containsExactly(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
    }

    @Test
    void anEmptyVectorIsNoData() {
        // Given
        prometheus.answer(Answer.json(vector()));

        // When
        QueryResult result = source(prometheus.url()).query("up{job=\"nothing\"}");

        // Then
        assertThat(result).isEqualTo(new QueryResult.NoData());
    }

    @Test
    void aRefusedQueryFailsWithPrometheusReason() {
        // Given
        prometheus.answer(Answer.json(400, """
                {"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected right parenthesis ')'"}"""));

        // When
        QueryResult result = source(prometheus.url()).query("sum())");

        // Then
        assertThat(failure(result)).contains("bad_data").contains("unexpected right parenthesis")
                .contains("HTTP 400");
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 503})
    void anHttpErrorFailsWithTheStatus(int status) {
        // Given
        prometheus.answer(Answer.text(status, "upstream trouble"));

        // When
        QueryResult result = source(prometheus.url()).query("up");

        // Then
        assertThat(failure(result)).contains("HTTP " + status).contains("upstream trouble");
    }

    @Test
    void aGarbledAnswerFails() {
        // Given
        prometheus.answer(Answer.json("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"resu"));

        // When
        QueryResult result = source(prometheus.url()).query("up");

        // Then
        assertThat(failure(result)).contains("not a query result");
    }

    @Test
    void anUnreadableSampleFails() {
        // Given
        prometheus.answer(Answer.json(vector("\"many\"")));

        // When
        QueryResult result = source(prometheus.url()).query("up");

        // Then
        assertThat(failure(result)).contains("'many' is not a number");
    }

    @Test
    void aRangeVectorFailsWithAHint() {
        // Given
        prometheus.answer(Answer.json("""
                {"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"]]}]}}"""));

        // When
        QueryResult result = source(prometheus.url()).query("up[5m]");

        // Then
        assertThat(failure(result)).contains("range vector");
    }

    @Test
    void aPrometheusThatNeverAnswersFailsWithinTheTimeout() {
        // Given
        prometheus.answer(Answer.never());
        PrometheusMetricsSource source = new PrometheusMetricsSource(prometheus.url(), Duration.ofMillis(300),
                Optional.empty(), name -> null, registry);
        sources.add(source);
        long started = System.nanoTime();

        // When
        QueryResult result = source.query("up");

        // Then
        assertThat(failure(result)).contains("did not answer within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aRefusedConnectionFails() {
        // Given
        String nobody = StubHttpServer.refusingUrl();

        // When
        QueryResult result = source(nobody).query("up");

        // Then
        assertThat(failure(result)).contains("could not be reached").contains(nobody);
    }

    @Test
    void withoutAUrlEveryQueryFailsSayingWhatToSet() {
        // Given
        PrometheusMetricsSource unconfigured = source(null);

        // When
        QueryResult result = unconfigured.query("up");

        // Then
        assertThat(result).isEqualTo(new QueryResult.Failed(
                "no Prometheus configured: set ripple.health.prometheus.url"));
    }

    @Test
    void aUrlThatIsNotHttpFailsEveryQuery() {
        // Given
        PrometheusMetricsSource misconfigured = source("prometheus:9090");

        // When
        QueryResult result = misconfigured.query("up");

        // Then
        assertThat(failure(result)).contains("ripple.health.prometheus.url is not an http(s) URL");
    }

    @Test
    void keepsAPathPrefixOfTheUrl() {
        // Given
        prometheus.answer(Answer.json(vector("\"1\"")));

        // When
        source(prometheus.url() + "/prometheus/").query("up");

        // Then
        assertThat(prometheus.lastRequest().path()).isEqualTo("/prometheus/api/v1/query");
    }

    @Test
    void sendsTheBearerTokenFromTheNamedEnvironmentVariable() {
        // Given
        prometheus.answer(Answer.json(vector("\"1\"")));
        PrometheusMetricsSource source = new PrometheusMetricsSource(prometheus.url(), Duration.ofSeconds(2),
                Optional.of("PROM_TOKEN"), Map.of("PROM_TOKEN", "s3cret-token")::get, registry);
        sources.add(source);

        // When
        source.query("up");

        // Then
        assertThat(prometheus.lastRequest().authorization()).isEqualTo("Bearer s3cret-token");
    }

    @Test
    void aMissingTokenFailsWithoutCallingPrometheus() {
        // Given
        PrometheusMetricsSource source = new PrometheusMetricsSource(prometheus.url(), Duration.ofSeconds(2),
                Optional.of("PROM_TOKEN"), name -> null, registry);
        sources.add(source);

        // When
        QueryResult result = source.query("up");

        // Then
        assertThat(failure(result)).contains("PROM_TOKEN").contains("not set");
        assertThat(prometheus.requests()).isEmpty();
    }

    @Test
    void countsQueriesByOutcome() {
        // Given
        prometheus.answer(Answer.json(vector()));
        double before = registry.counter("ripple.health.queries", "outcome", "no-data").count();

        // When
        source(prometheus.url()).query("up");

        // Then
        assertThat(registry.counter("ripple.health.queries", "outcome", "no-data").count()).isEqualTo(before + 1);
        assertThat(registry.find("ripple.health.query").tag("outcome", "no-data").timer()).isNotNull();
    }

    private PrometheusMetricsSource source(String url) {
        PrometheusMetricsSource source = new PrometheusMetricsSource(url, Duration.ofSeconds(2), Optional.empty(),
                name -> null, registry);
        sources.add(source);
        return source;
    }

    private static String failure(QueryResult result) {
        assertThat(result).isInstanceOf(QueryResult.Failed.class);
        return ((QueryResult.Failed) result).reason();
    }

    private static String vector(String... values) {
        StringBuilder series = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            series.append(i == 0 ? "" : ",").append("{\"metric\":{\"cell\":\"c").append(i)
                    .append("\"},\"value\":[1700000000.5,").append(values[i]).append("]}");
        }
        return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" + series + "]}}";
    }
}
