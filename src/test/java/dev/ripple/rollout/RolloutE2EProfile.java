package dev.ripple.rollout;

import dev.ripple.testing.RealPrometheus;
import dev.ripple.testing.SandboxRings;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Ripple on a small rings/ tree with short bakes, its health checks answered by a real Prometheus scraping the
 * sandbox fleet every second. The check reads the sandbox's per-cell error ratio gauge, so a test that steers it sees
 * the verdict change within a scrape or two.
 */
public class RolloutE2EProfile implements QuarkusTestProfile {
    public static final String FLAG = "e2e_flag";
    static final Path RINGS = rings();

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("ripple.rings.dir", RINGS.toString(),
                "ripple.rollouts.check-every", "1s",
                "ripple.rollouts.max-inconclusive", "5",
                "ripple.rollouts.blocked-recheck", "500ms",
                "ripple.rollouts.tick", "200ms");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(PrometheusResource.class));
    }

    /** Starts Prometheus before Ripple, aimed at the port Ripple is about to listen on. */
    public static class PrometheusResource implements QuarkusTestResourceLifecycleManager {
        public static volatile RealPrometheus prometheus;
        /** Why there is no Prometheus (the binary is missing on a bare machine); the tests skip with it. */
        public static volatile String missing;
        private static final String TEST_PORT = "quarkus.http.test-port";
        private static volatile String randomPort;

        @Override
        public Map<String, String> start() {
            int port = ConfigProvider.getConfig().getOptionalValue(TEST_PORT, Integer.class)
                    .orElse(8081);
            // A random port (-Dquarkus.http.test-port=0, on a shared machine) is not known before Ripple starts:
            // pick a free one so Prometheus knows what to scrape. The -D system property outranks what a test
            // resource returns, so it is the one replaced, for this application's run only.
            Map<String, String> config = new java.util.HashMap<>();
            if (port == 0) {
                port = freePort();
                randomPort = System.getProperty(TEST_PORT);
                System.setProperty(TEST_PORT, Integer.toString(port));
            }
            try {
                prometheus = RealPrometheus.launch("127.0.0.1:" + port, Duration.ofSeconds(1));
            } catch (org.opentest4j.TestAbortedException e) {
                missing = e.getMessage();
                return config;
            }
            config.put("ripple.health.prometheus.url", prometheus.url());
            return config;
        }

        private static int freePort() {
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                    java.net.InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
            if (randomPort != null) {
                System.setProperty(TEST_PORT, randomPort);
                randomPort = null;
            }
            if (prometheus != null) {
                prometheus.stop();
            }
        }
    }

    private static Path rings() {
        Path dir = SandboxRings.create("ripple-e2e-rings-", FLAG, "End-to-end flag");
        SandboxRings.ring(dir, -1, "quarantine", true, "3s", SandboxRings.sandboxCells("q-1"));
        SandboxRings.ring(dir, 0, "qa", false, "3s", SandboxRings.sandboxCells("qa-1"));
        SandboxRings.ring(dir, 1, "early", false, "3s", SandboxRings.sandboxCells("ea-1", "ea-2", "ea-3"));
        SandboxRings.ring(dir, 2, "general", false, "3s", SandboxRings.sandboxCells("ga-1", "ga-2"));
        return dir;
    }
}
