package dev.ripple.cache;

import dev.ripple.cells.CellGateway;
import dev.ripple.cells.CellResult;
import dev.ripple.flags.ObservedFlag;
import dev.ripple.topology.Cell;
import dev.ripple.topology.TopologyChanged;
import dev.ripple.topology.TopologyService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Keeps {@link CellStateCache} current: every cell on a schedule (jittered, bounded concurrency), the cells Ripple
 * just changed right away, and everything on request. Persists what changed after each round, off the request path.
 */
@ApplicationScoped
public class CacheRefresher {
    private final CellStateCache cache;
    private final CellStateStore store;
    private final CellGateway gateway;
    private final TopologyService topology;
    private final CacheConfig config;
    private final Clock clock;
    private final Timer refreshTimer;
    private final AtomicBoolean persisting = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicReference<Uni<Map<String, CellResult<List<ObservedFlag>>>>>
            freshRead = new java.util.concurrent.atomic.AtomicReference<>();

    CacheRefresher(CellStateCache cache, CellStateStore store, CellGateway gateway, TopologyService topology,
                   CacheConfig config, Clock clock, MeterRegistry registry) {
        this.cache = cache;
        this.store = store;
        this.gateway = gateway;
        this.topology = topology;
        this.config = config;
        this.clock = clock;
        this.refreshTimer = Timer.builder("ripple.cache.refresh")
                .description("Wall time of a refresh of every cell").register(registry);
        Gauge.builder("ripple.cache.age.seconds", this, CacheRefresher::oldestAgeSeconds)
                .description("Age of the oldest successful read among the topology's cells").register(registry);
        Gauge.builder("ripple.cache.stale.cells", this, CacheRefresher::staleCells)
                .description("Cells whose last read failed or that were never read").register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        List<CellState> persisted = store.loadAll();
        cache.restore(persisted);
        cache.retainOnly(ids(topology.current().cells()));
        Log.infof("Restored the last known state of %d cell(s)", persisted.size());
        if (config.refreshOnStart()) {
            refreshAll(false).subscribe().with(r -> { }, t -> Log.error("Initial cache refresh failed", t));
        }
    }

    void onTopologyChanged(@Observes TopologyChanged event) {
        if (event.previous() == null) {
            return;
        }
        cache.retainOnly(ids(event.current().cells()));
        // A cell that joined the topology is read now rather than at the next scheduled refresh.
        Set<String> known = ids(event.previous().cells());
        List<Cell> added = event.current().cells().stream().filter(c -> !known.contains(c.id())).toList();
        if (!added.isEmpty()) {
            refreshCells(added).subscribe().with(r -> { }, t -> Log.warn("Reading newly added cells failed", t));
        }
    }

    @Scheduled(every = "${ripple.cache.refresh-every:30s}", delayed = "${ripple.cache.refresh-every:30s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledRefresh() {
        return refreshAll(true).replaceWithVoid();
    }

    /** Reads every cell of the topology; with {@code jitter}, spreads the reads over the configured window. */
    public Uni<RefreshReport> refreshAll(boolean jitter) {
        List<Cell> cells = topology.current().cells();
        Instant started = clock.instant();
        long startNanos = System.nanoTime();
        return read(cells, jitter ? config.jitter() : Duration.ZERO)
                .map(results -> {
                    Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
                    refreshTimer.record(took);
                    long failed = results.values().stream().filter(r -> !r.isOk()).count();
                    persistInBackground();
                    return new RefreshReport(started, took, cells.size(), (int) (cells.size() - failed), (int) failed);
                });
    }

    /**
     * Reads every cell now for a {@code ?fresh=true} query. Callers that arrive while such a read is in flight share
     * it, so ten dashboards asking for fresh state cost the fleet one read, not ten.
     */
    public Uni<Map<String, CellResult<List<ObservedFlag>>>> readAllNow() {
        while (true) {
            Uni<Map<String, CellResult<List<ObservedFlag>>>> current = freshRead.get();
            if (current != null) {
                return current;
            }
            java.util.concurrent.atomic.AtomicReference<Uni<Map<String, CellResult<List<ObservedFlag>>>>> self =
                    new java.util.concurrent.atomic.AtomicReference<>();
            Uni<Map<String, CellResult<List<ObservedFlag>>>> shared = refreshCells(topology.current().cells())
                    .onTermination().invoke(() -> freshRead.compareAndSet(self.get(), null))
                    .memoize().indefinitely();
            self.set(shared);
            if (freshRead.compareAndSet(null, shared)) {
                return shared;
            }
        }
    }

    /** Reads the given cells now (after Ripple changed them, or for a {@code ?fresh=true} query). */
    public Uni<Map<String, CellResult<List<ObservedFlag>>>> refreshCells(Collection<Cell> cells) {
        return read(cells, Duration.ZERO).invoke(this::persistInBackground);
    }

    private Uni<Map<String, CellResult<List<ObservedFlag>>>> read(Collection<Cell> cells, Duration spread) {
        if (spread.isZero() || cells.size() < 2) {
            return gateway.forEach(cells, this::readOne);
        }
        // Each cell gets a random offset in the window; cells are released in offset order, so the concurrency
        // bound applies to calls actually in flight, not to cells waiting for their turn.
        long window = spread.toMillis();
        Instant start = clock.instant();
        List<Map.Entry<Cell, Long>> schedule = cells.stream()
                .map(c -> Map.entry(c, ThreadLocalRandom.current().nextLong(window)))
                .sorted(Map.Entry.comparingByValue(Comparator.naturalOrder()))
                .toList();
        Multi<Cell> paced = Multi.createFrom().iterable(schedule)
                .onItem().call(e -> {
                    long wait = e.getValue() - Duration.between(start, clock.instant()).toMillis();
                    return wait <= 0 ? Uni.createFrom().voidItem()
                            : Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(wait));
                })
                .map(Map.Entry::getKey);
        return gateway.forEach(paced, this::readOne, cells);
    }

    private Uni<CellResult<List<ObservedFlag>>> readOne(Cell cell) {
        return gateway.listFlags(cell).invoke(result -> {
            Instant now = clock.instant();
            boolean wasStale = cache.get(cell.id()).map(CellState::stale).orElse(false);
            if (result instanceof CellResult.Ok<List<ObservedFlag>> ok) {
                cache.recordRead(cell.id(), ok.value(), now);
                if (wasStale) {
                    Log.infof("Cell %s (ring %d) can be read again", cell.id(), cell.ring());
                }
            } else if (result instanceof CellResult.Failed<List<ObservedFlag>> failed) {
                cache.recordFailure(cell.id(), failed.error(), now);
                // Once per outage, not once per refresh: the cache and the topology API carry it meanwhile.
                if (!wasStale) {
                    Log.warnf("Cell %s (ring %d) cannot be read, keeping its last known state marked stale: %s",
                            cell.id(), cell.ring(), failed.error());
                }
            }
        });
    }

    /** Writes what changed since the last write, on a worker thread; one writer at a time. */
    void persistInBackground() {
        if (!persisting.compareAndSet(false, true)) {
            return;
        }
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            try {
                List<CellState> unsaved;
                while (!(unsaved = cache.drainUnsaved()).isEmpty()) {
                    store.save(unsaved);
                }
                store.deleteExcept(ids(topology.current().cells()));
            } catch (RuntimeException e) {
                Log.warn("Could not persist the cell state cache; it will be retried after the next read", e);
            } finally {
                persisting.set(false);
            }
        });
    }

    private double oldestAgeSeconds() {
        Instant now = clock.instant();
        return topology.isLoaded() ? topology.current().cells().stream()
                .map(c -> cache.getOrNeverRead(c.id()).readAt())
                .filter(java.util.Objects::nonNull)
                .mapToDouble(at -> Duration.between(at, now).toMillis() / 1000.0)
                .max().orElse(0) : Double.NaN;
    }

    private double staleCells() {
        return topology.isLoaded() ? topology.current().cells().stream()
                .filter(c -> cache.getOrNeverRead(c.id()).stale()).count() : Double.NaN;
    }

    /** What one refresh of every cell did. */
    public record RefreshReport(Instant startedAt, Duration took, int cells, int ok, int failed) {
    }

    static Set<String> ids(Collection<Cell> cells) {
        return cells.stream().map(Cell::id).collect(Collectors.toSet());
    }
}
