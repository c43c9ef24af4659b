package dev.ripple.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus server for end-to-end tests, scraping the Ripple under test. {@link #scrapingSandbox(int)} starts
 * one on a free loopback port that scrapes the sandbox fleet's {@code /sandbox/metrics} every second, and returns once
 * the first scrape succeeded; {@link #url()} is then what {@code ripple.health.prometheus.url} would hold.
 *
 * <p>Needs the {@code prometheus} binary (Debian package {@code prometheus}; {@code .ci/run} installs it). Without it
 * the calling test is skipped and says why, except under CI (the {@code CI} environment variable), where it fails.
 */
public final class RealPrometheus implements AutoCloseable {
    public static final String JOB = "ripple";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path work;
    private final String url;
    private final Thread killOnExit;

    private RealPrometheus(Process process, Path work, String url) {
        this.process = process;
        this.work = work;
        this.url = url;
        // A test JVM that dies mid-test must not leave a Prometheus behind on a shared machine.
        this.killOnExit = new Thread(process::destroyForcibly, "stop-test-prometheus");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** Scrapes the sandbox fleet of the Ripple listening on {@code appPort} (e.g. {@code RestAssured.port}). */
    public static RealPrometheus scrapingSandbox(int appPort) {
        return start("127.0.0.1:" + appPort, Duration.ofSeconds(1));
    }

    /** Scrapes {@code /sandbox/metrics} of {@code hostPort} every {@code scrapeInterval}; waits for the first scrape. */
    public static RealPrometheus start(String hostPort, Duration scrapeInterval) {
        RealPrometheus prometheus = launch(hostPort, scrapeInterval);
        prometheus.awaitTargetUp();
        return prometheus;
    }

    /**
     * As {@link #start}, without waiting: for a Prometheus started before the application it scrapes (a test
     * resource), which then calls {@link #awaitTargetUp()} once the application listens.
     */
    public static RealPrometheus launch(String hostPort, Duration scrapeInterval) {
        Path binary = binary();
        try {
            Path work = Files.createTempDirectory("ripple-prometheus-");
            Path config = work.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: %1$dms
                      evaluation_interval: %1$dms
                    scrape_configs:
                      - job_name: %2$s
                        metrics_path: /sandbox/metrics
                        static_configs:
                          - targets: ["%3$s"]
                    """.formatted(scrapeInterval.toMillis(), JOB, hostPort));
            int port = freePort();
            Process process = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + work.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
            return new RealPrometheus(process, work, "http://127.0.0.1:" + port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base URL, {@code http://127.0.0.1:PORT}. */
    public String url() {
        return url;
    }

    public void stop() {
        try {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook stops the process.
        }
        deleteQuietly(work);
    }

    @Override
    public void close() {
        stop();
    }

    /** Waits until Prometheus has scraped its target successfully. */
    public void awaitTargetUp() {
        try {
            await("Prometheus at " + url + " scraping its target").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .untilAsserted(() -> {
                        if (!process.isAlive()) {
                            fail("prometheus exited with " + process.exitValue() + ":\n" + log());
                        }
                        assertThat(instantQuery("up{job=\"" + JOB + "\"}")).as("up").containsExactly("1");
                    });
        } catch (AssertionError | RuntimeException e) {
            String log = log();
            stop();
            throw new AssertionError("Prometheus never scraped its target; its log:\n" + log, e);
        }
    }

    /** The values of an instant query, as Prometheus writes them; for a helper's own checks. */
    private List<String> instantQuery(String query) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/query?query="
                        + URLEncoder.encode(query, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode result = JSON.readTree(response.body()).path("data").path("result");
        return Stream.iterate(0, i -> i < result.size(), i -> i + 1)
                .map(i -> result.get(i).path("value").path(1).asText()).toList();
    }

    private String log() {
        try {
            List<String> lines = Files.readAllLines(work.resolve("prometheus.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static Path binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
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
        throw new IllegalStateException("unreachable");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is harmless.
        }
    }
}
