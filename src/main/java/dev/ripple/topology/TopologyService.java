package dev.ripple.topology;

import dev.ripple.platform.Sha256;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Serves the current {@link Topology}. Ripple refuses to start on an invalid {@code rings/}; afterwards a reload (on
 * file change or on request) that finds problems keeps the last good topology serving and reports why.
 */
@ApplicationScoped
public class TopologyService {
    private final Path dir;
    private final RingsLoader loader;
    private final Event<TopologyChanged> changed;
    private final Clock clock;
    private volatile Topology current;
    private volatile Instant loadedAt;
    private volatile ReloadOutcome lastReload;
    private volatile String fingerprint;

    TopologyService(@ConfigProperty(name = "ripple.rings.dir", defaultValue = "rings") String dir,
                    @ConfigProperty(name = "ripple.sandbox.enabled", defaultValue = "true") boolean sandboxEnabled,
                    Event<TopologyChanged> changed, Clock clock) {
        this.dir = Path.of(dir).toAbsolutePath().normalize();
        this.loader = new RingsLoader(sandboxEnabled);
        this.changed = changed;
        this.clock = clock;
    }

    void onStart(@Observes @Priority(1) StartupEvent event) {
        fingerprint = fingerprint();
        LoadResult result = loader.load(dir);
        if (result instanceof LoadResult.Invalid invalid) {
            invalid.problems().forEach(p -> Log.errorf("rings/ problem: %s", p));
            throw new InvalidRingsException(dir, invalid.problems());
        }
        Topology topology = ((LoadResult.Loaded) result).topology();
        swap(topology);
        lastReload = new ReloadOutcome("startup", loadedAt, true, true, topology.version(), List.of());
        Log.infof("Loaded %s: %d rings, %d cells, %d flags, %d checks (version %s)", dir, topology.rings().size(),
                topology.cells().size(), topology.flags().size(), topology.checks().size(),
                topology.version().substring(0, 12));
    }

    /** The topology serving now. Never null once the application has started. */
    public Topology current() {
        Topology topology = current;
        if (topology == null) {
            throw new IllegalStateException("rings/ is not loaded yet");
        }
        return topology;
    }

    public boolean isLoaded() {
        return current != null;
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    public Path directory() {
        return dir;
    }

    public ReloadOutcome lastReload() {
        return lastReload;
    }

    /** Reads {@code rings/} again; applies it if valid, otherwise keeps the current topology and says why. */
    public synchronized ReloadOutcome reload(String trigger) {
        fingerprint = fingerprint();
        LoadResult result = loader.load(dir);
        Instant now = clock.instant();
        ReloadOutcome outcome;
        if (result instanceof LoadResult.Invalid invalid) {
            invalid.problems().forEach(p -> Log.errorf("rings/ reload (%s) refused: %s", trigger, p));
            Log.errorf("rings/ reload (%s) refused with %d problem(s); still serving version %s", trigger,
                    invalid.problems().size(), current.version().substring(0, 12));
            outcome = new ReloadOutcome(trigger, now, false, false, current.version(), invalid.problems());
        } else {
            Topology topology = ((LoadResult.Loaded) result).topology();
            boolean differs = !topology.version().equals(current.version());
            if (differs) {
                swap(topology);
                Log.infof("rings/ reloaded (%s): version %s, %d rings, %d cells, %d flags", trigger,
                        topology.version().substring(0, 12), topology.rings().size(), topology.cells().size(),
                        topology.flags().size());
            }
            outcome = new ReloadOutcome(trigger, now, true, differs, topology.version(), List.of());
        }
        lastReload = outcome;
        return outcome;
    }

    /** Validates a proposed tree (relative path → content) without applying it. */
    public LoadResult validate(Map<String, String> files) {
        return loader.load(files);
    }

    @Scheduled(every = "${ripple.rings.watch-every:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void watch() {
        if (current != null && !fingerprint().equals(fingerprint)) {
            reload("file change");
        }
    }

    private void swap(Topology topology) {
        Topology previous = current;
        current = topology;
        loadedAt = clock.instant();
        changed.fire(new TopologyChanged(previous, topology));
    }

    /** Cheap digest of the tree's file names, sizes and modification times, to notice edits. */
    private String fingerprint() {
        if (!Files.isDirectory(dir)) {
            return "missing";
        }
        try (Stream<Path> files = Files.walk(dir)) {
            Sha256 digest = Sha256.start();
            files.filter(Files::isRegularFile).sorted().forEach(f -> {
                try {
                    digest.add(dir.relativize(f)).add(Files.size(f)).add(Files.getLastModifiedTime(f).toMillis());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            return digest.hex();
        } catch (IOException | UncheckedIOException e) {
            return "unreadable:" + e.getMessage();
        }
    }

    /** What the last reload did. {@code applied} is false when problems kept the previous topology serving. */
    public record ReloadOutcome(String trigger, Instant at, boolean applied, boolean changed, String version,
                                List<Problem> problems) {
    }
}
