package dev.ripple.sandbox;

import dev.ripple.health.HealthCheck;
import dev.ripple.health.QueryResult;
import dev.ripple.health.prometheus.PrometheusMetricsSource;
import dev.ripple.testing.RealPrometheus;
import dev.ripple.topology.Cell;
import dev.ripple.topology.Ring;
import dev.ripple.topology.TopologyService;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus server scrapes the sandbox fleet, and the shipped {@code error-ratio} check, rendered for a ring
 * and asked through {@link PrometheusMetricsSource}, reads back the error ratio a test steers: the path the rollout
 * engine's health checks take. Needs the {@code prometheus} binary (see {@link RealPrometheus}).
 */
@QuarkusTest
class SandboxThroughPrometheusTest {
    @Inject
    SandboxFleet fleet;
    @Inject
    TopologyService topology;
    @Inject
    MeterRegistry registry;

    private RealPrometheus prometheus;
    private PrometheusMetricsSource source;

    @AfterEach
    void stopPrometheus() {
        fleet.cells().forEach(SandboxCell::resetFaults);
        if (source != null) {
            source.close();
        }
        if (prometheus != null) {
            prometheus.stop();
        }
    }

    @Test
    void theErrorRatioCheckSeesTheRatioASandboxCellReports() {
        // Given ea-1 reports 30% errors and its two ring-mates none, from before the first scrape on
        fleet.reset();
        fleet.cell("ea-1").orElseThrow().updateFaults(f -> f.withReportedErrorRatio(0.3));
        startPrometheus();
        String query = errorRatioOfRing(1);

        // When / Then the ring-wide ratio is 0.3 × 1/3 of the traffic: 0.1, one value for the one series
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            QueryResult result = source.query(query);
            assertThat(result).isInstanceOf(QueryResult.Samples.class);
            assertThat(((QueryResult.Samples) result).values()).singleElement()
                    .satisfies(ratio -> assertThat(ratio).isCloseTo(0.1, within(0.005)));
        });
    }

    @Test
    void aQueryMatchingNoSeriesIsNoData() {
        // Given a Prometheus that has scraped the fleet
        startPrometheus();

        // When
        QueryResult result = source.query("sandbox_app_requests_total{cell=\"no-such-cell\"}");

        // Then
        assertThat(result).isEqualTo(new QueryResult.NoData());
    }

    private void startPrometheus() {
        prometheus = RealPrometheus.scrapingSandbox(RestAssured.port);
        source = PrometheusMetricsSource.at(prometheus.url(), Duration.ofSeconds(5), registry);
    }

    private String errorRatioOfRing(int id) {
        Ring ring = topology.current().ring(id).orElseThrow();
        HealthCheck check = topology.current().checks().get("error-ratio");
        return check.render(ring.id(), ring.cells().stream().map(Cell::id).toList(), "new_search_ui");
    }
}
