package dev.ripple.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.health.HealthCheck;
import dev.ripple.topology.Cell;
import dev.ripple.topology.Ring;
import dev.ripple.topology.TopologyService;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus server scrapes the sandbox fleet, and the shipped {@code error-ratio} check, rendered for a ring,
 * reads back the error ratio a test steers: the path the rollout engine's health checks will take. Needs the
 * {@code prometheus} binary (Debian package {@code prometheus}); {@code .ci/run} installs it, and on a machine
 * without it this test is skipped with that reason, except under CI where it fails.
 */
@QuarkusTest
class SandboxThroughPrometheusTest {
    @Inject
    SandboxFleet fleet;
    @Inject
    TopologyService topology;
    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private Process prometheus;
    private Path work;

    @AfterEach
    void stopPrometheus() throws Exception {
        fleet.cells().forEach(SandboxCell::resetFaults);
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
    }

    @Test
    void theErrorRatioCheckSeesTheRatioASandboxCellReports() throws Exception {
        Path binary = prometheusBinary();
        // Given ea-1 reports 30% errors and its two ring-mates none, before the first scrape
        fleet.reset();
        fleet.cell("ea-1").orElseThrow().updateFaults(f -> f.withReportedErrorRatio(0.3));
        int prometheusPort = freePort();
        startPrometheus(binary, prometheusPort);

        Ring ring1 = topology.current().ring(1).orElseThrow();
        HealthCheck check = topology.current().checks().get("error-ratio");
        String query = check.render(ring1.id(), ring1.cells().stream().map(Cell::id).toList(), "new_search_ui");

        // Then the ring-wide ratio is 0.3 × 1/3 of the traffic: 0.1
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(queryValue(prometheusPort, query)).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.005)));
    }

    private void startPrometheus(Path binary, int prometheusPort) throws IOException {
        work = Files.createTempDirectory("ripple-prometheus-");
        Path config = work.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: sandbox
                    metrics_path: /sandbox/metrics
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(port));
        prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + work.resolve("data"), "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
    }

    private static double queryValue(int prometheusPort, String query) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
                        + URLEncoder.encode(query, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode result = new ObjectMapper().readTree(response.body()).path("data").path("result");
        assertThat(result).as("no data yet for %s", query).isNotEmpty();
        return Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    private static Path prometheusBinary() {
        for (String dir : List.of(System.getenv().getOrDefault("PATH", "").split(":"))) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "prometheus");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String reason = "the prometheus binary is not installed (Debian package 'prometheus'; .ci/run installs it)";
        if (System.getenv("CI") != null) {
            fail(reason);
        }
        Assumptions.abort(reason);
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
