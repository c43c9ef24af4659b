package dev.ripple.rollout;

import dev.ripple.testing.SandboxRings;
import dev.ripple.testing.StubHttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Ripple on the sandbox fleet with everything around it able to fall ill: cells (sandbox faults, or a URL nobody
 * listens on), Prometheus (a stub each test installs, {@link OnASickWorld#prometheus}) and two notification sinks, one
 * that never answers and one that always answers 500. Short bakes and checks, a cell timeout of 1 s, and a breaker
 * that never opens (it is {@code CellBreakerTest}'s subject, and here it would turn later cases into circuit-open).
 */
public class SickWorldProfile implements QuarkusTestProfile {
    public static final String FLAG = "sick_flag";
    // Quarkus loads this class in more than one class loader; the system property makes them share one directory.
    static final Path RINGS = Path.of(System.getProperties().computeIfAbsent("ripple.test.sick-rings",
            k -> rings().toString()).toString());
    static final int MAX_ATTEMPTS = 3;
    static final int MAX_INCONCLUSIVE = 2;
    static final int NOTIFY_ATTEMPTS = 3;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("ripple.rings.dir", RINGS.toString()),
                Map.entry("ripple.cells.timeout", "1s"),
                Map.entry("ripple.cells.retry.max-attempts", Integer.toString(MAX_ATTEMPTS)),
                Map.entry("ripple.cells.breaker.failure-threshold", "1000000"),
                Map.entry("ripple.rollouts.tick", "100ms"),
                Map.entry("ripple.rollouts.check-every", "300ms"),
                Map.entry("ripple.rollouts.max-inconclusive", Integer.toString(MAX_INCONCLUSIVE)),
                Map.entry("ripple.health.prometheus.timeout", "500ms"),
                Map.entry("ripple.notify.timeout", "10m"),
                Map.entry("ripple.notify.max-attempts", Integer.toString(NOTIFY_ATTEMPTS)),
                Map.entry("ripple.notify.initial-backoff", "10ms"),
                Map.entry("ripple.notify.max-backoff", "20ms"),
                Map.entry("ripple.notify.shutdown-grace", "100ms"),
                Map.entry("ripple.notify.sinks.hanging.queue-capacity", "2"));
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Sinks.class));
    }

    /** The two sick sinks, started before Ripple so their URLs are in its configuration. */
    public static class Sinks implements QuarkusTestResourceLifecycleManager {
        static volatile StubHttpServer hanging;
        static volatile StubHttpServer failing;

        @Override
        public Map<String, String> start() {
            hanging = StubHttpServer.start().answer(StubHttpServer.Answer.never());
            failing = StubHttpServer.start().answer(StubHttpServer.Answer.status(500));
            return Map.of("ripple.notify.sinks.hanging.url", hanging.url() + "/hook",
                    "ripple.notify.sinks.failing.url", failing.url() + "/hook");
        }

        @Override
        public void stop() {
            hanging.close();
            failing.close();
        }
    }

    /** Rings 0 (qa-1), 1 (ea-1..3) and 2 (ga-1, ga-2), each baking 1 s on one check of the cells' error ratio. */
    private static Path rings() {
        Path dir = SandboxRings.create("ripple-sick-rings-", FLAG, "The flag the sick-world tests roll out");
        SandboxRings.ring(dir, 0, "qa", false, "1s", SandboxRings.sandboxCells("qa-1"));
        ring1(dir, "sandbox://ea-2");
        SandboxRings.ring(dir, 2, "general", false, "1s", SandboxRings.sandboxCells("ga-1", "ga-2"));
        return dir;
    }

    /** Writes ring 1 with {@code ea-2} at {@code ea2Url}. */
    static void ring1(Path dir, String ea2Url) {
        Map<String, String> cells = SandboxRings.sandboxCells("ea-1", "ea-3");
        cells.put("ea-2", ea2Url);
        SandboxRings.ring(dir, 1, "early", false, "1s", cells);
    }
}
