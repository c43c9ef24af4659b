package dev.ripple.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.cache.CellState;
import dev.ripple.cache.CellStateCache;
import dev.ripple.cache.FleetFlags;
import dev.ripple.cells.CellGateway;
import dev.ripple.flags.FlagDefinition;
import dev.ripple.flags.Gates;
import dev.ripple.health.CheckRule;
import dev.ripple.health.RolloutPolicy;
import dev.ripple.platform.Durations;
import dev.ripple.platform.Sha256;
import dev.ripple.topology.Cell;
import dev.ripple.topology.Ring;
import dev.ripple.topology.Topology;
import dev.ripple.topology.TopologyService;
import jakarta.enterprise.context.ApplicationScoped;
import io.vertx.core.buffer.Buffer;
import jakarta.ws.rs.core.EntityTag;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

import static dev.ripple.api.Views.*;

/**
 * Builds the query API's documents from the topology and the cell state cache. The documents of single flags and of
 * the flag list are rendered once per change of what they show and then served as bytes (and gzip bytes), so polling
 * a flag across a thousand cells costs a map lookup, even while other flags are rolled out: a change to flag A does
 * not render flag B's document again, and a cell merely re-read moves its read time in the documents at most once a
 * second ({@link #READ_TIMES_LAG_NANOS}). ETags change when a gate, a cell's staleness or an error changes, not
 * when a cell is merely re-read, so pollers get {@code 304} until something they care about moves.
 */
@ApplicationScoped
class StateViews {
    private static final String UNSET = FleetFlags.UNSET;

    private final TopologyService topology;
    private final CellStateCache cache;
    private final CellGateway gateway;
    private final FleetFlags fleetFlags;
    private final ObjectMapper json;
    private final Map<String, Rendered> flagMemo = new ConcurrentHashMap<>();
    private volatile Rendered listMemo;

    StateViews(TopologyService topology, CellStateCache cache, CellGateway gateway, FleetFlags fleetFlags,
               ObjectMapper json) {
        this.topology = topology;
        this.cache = cache;
        this.gateway = gateway;
        this.fleetFlags = fleetFlags;
        this.json = json;
    }

    /**
     * A rendered document: its body, its gzip form (made on first demand) and its ETag. The bodies are kept as
     * Vert.x buffers so every response writes the same memory without copying it (a fleet-wide document is
     * hundreds of kilobytes; a copy per request was most of the garbage under load).
     */
    static final class Rendered {
        final long cacheVersion;
        /** {@link CellStateCache#flagVersion} or {@link CellStateCache#contentVersion} when rendered. */
        final long contentVersion;
        final long renderedAt = System.nanoTime();
        final String topologyVersion;
        final Buffer body;
        final EntityTag etag;
        private volatile Buffer gzip;

        Rendered(long cacheVersion, long contentVersion, String topologyVersion, byte[] body, EntityTag etag) {
            this.cacheVersion = cacheVersion;
            this.contentVersion = contentVersion;
            this.topologyVersion = topologyVersion;
            this.body = Buffer.buffer(body);
            this.etag = etag;
        }

        Buffer gzip() {
            Buffer zipped = gzip;
            if (zipped == null) {
                byte[] plain = body.getBytes();
                ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 8 + 64);
                try (GZIPOutputStream z = new GZIPOutputStream(out)) {
                    z.write(plain);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                zipped = Buffer.buffer(out.toByteArray());
                gzip = zipped;
            }
            return zipped;
        }
    }

    /**
     * How long a flag's view may be served after a cell was merely re-read: its read times may lag by this much.
     * Anything else the view shows (a gate, a cell going stale, an error, rings/) renders it again at once.
     */
    static final long READ_TIMES_LAG_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    /** The flag's view if the one rendered last still holds, else null: a map lookup, fit for an event loop. */
    Rendered cachedFlag(String name) {
        Rendered memo = flagMemo.get(name);
        if (memo == null || !memo.topologyVersion.equals(topology.current().version())
                || memo.contentVersion != cache.flagVersion(name)) {
            return null;
        }
        return memo.cacheVersion == cache.version() || System.nanoTime() - memo.renderedAt < READ_TIMES_LAG_NANOS
                ? memo : null;
    }

    /** Renders the flag's view now and keeps it for the next caller. */
    Rendered renderFlag(String name) {
        Topology t = topology.current();
        long content = cache.flagVersion(name);
        Rendered rendered = renderFlag(t, name, false, cache.version(), content);
        if (flagMemo.size() > 10_000) {
            flagMemo.clear();
        }
        flagMemo.put(name, rendered);
        return rendered;
    }

    Rendered freshFlag(String name) {
        Topology t = topology.current();
        return renderFlag(t, name, true, cache.version(), cache.flagVersion(name));
    }

    private Rendered renderFlag(Topology t, String name, boolean fresh, long version, long content) {
        FleetFlags.Flag flag = fleetFlags.flag(t, name).orElseThrow(() -> new ApiException(ErrorCode.UNKNOWN_FLAG,
                "no flag '" + name + "' is defined in rings/ or set on any cell", Map.of("flag", name)));
        Sha256 signature = Sha256.start().add(t.version()).add(name);
        List<RingFlagView> rings = new ArrayList<>();
        for (FleetFlags.RingFlag ring : flag.rings()) {
            List<CellFlagView> cells = new ArrayList<>(ring.cells().size());
            for (FleetFlags.CellFlag cell : ring.cells()) {
                Gates gates = cell.gates();
                CellState state = cell.state();
                sign(signature.add(cell.cell()), gates).add(state.stale()).add(state.error());
                cells.add(new CellFlagView(cell.cell(), gates != null,
                        gates == null ? UNSET : gates.state().wireName(), describe(gates), gatesView(gates),
                        state.readAt(), state.stale(), state.error()));
            }
            rings.add(new RingFlagView(ring.ring().id(), ring.ring().name(), summary(ring.summary()), cells));
        }
        FlagView view = new FlagView(name, flag.definition().map(StateViews::definition).orElse(null), fresh,
                flag.staleCells(), rings);
        return new Rendered(version, content, t.version(), write(view), etag(signature));
    }

    static final int FLAG_PAGE_DEFAULT = 500;
    static final int FLAG_PAGE_MAX = 1000;

    /** The first page of every flag if the one rendered last still holds (it shows no read times), else null. */
    Rendered cachedFlagList(String match, String after, int limit) {
        Rendered memo = listMemo;
        return firstPageOfAll(match, after, limit) && memo != null && memo.contentVersion == cache.contentVersion()
                && memo.topologyVersion.equals(topology.current().version()) ? memo : null;
    }

    /** The one page kept: every flag, from the start, at the default size (what dashboards poll). */
    private static boolean firstPageOfAll(String match, String after, int limit) {
        return match == null && after == null && limit == FLAG_PAGE_DEFAULT;
    }

    Rendered flagList(String match, String after, int limit) {
        Rendered memo = cachedFlagList(match, after, limit);
        if (memo != null) {
            return memo;
        }
        Topology t = topology.current();
        long version = cache.version();
        long content = cache.contentVersion();
        var matching = fleetFlags.list(t, match).stream()
                .sorted(java.util.Comparator.comparing(f -> f.name())).toList();
        var page = matching.stream().filter(f -> after == null || f.name().compareTo(after) > 0).limit(limit + 1L)
                .toList();
        String nextAfter = page.size() > limit ? page.get(limit - 1).name() : null;
        List<FlagSummaryView> flags = page.stream().limit(limit).map(f -> new FlagSummaryView(f.name(),
                f.definition() != null, f.definition() == null ? null : f.definition().type().wireName(),
                f.definition() == null ? null : f.definition().owner(),
                f.rings().stream().map(StateViews::summary).toList())).toList();
        byte[] body = write(new FlagListView(matching.size(), flags, nextAfter));
        Rendered rendered = new Rendered(version, content, t.version(), body,
                etag(Sha256.start().add(t.version()).add(body)));
        if (firstPageOfAll(match, after, limit)) {
            listMemo = rendered;
        }
        return rendered;
    }

    Rendered topologyView() {
        Topology t = topology.current();
        Sha256 signature = Sha256.start().add(t.version());
        List<RingView> rings = new ArrayList<>();
        for (Ring ring : t.rings()) {
            List<CellView> cells = new ArrayList<>();
            for (Cell cell : ring.cells()) {
                CellView view = cellView(cell);
                signature.add(cell.id()).add(view.reachability().status()).add(view.reachability().error())
                        .add(view.reachability().breaker());
                cells.add(view);
            }
            RolloutPolicy defaults = ring.policy().defaults();
            rings.add(new RingView(ring.id(), ring.name(), ring.isQuarantine(), ring.policy().skipGradual(),
                    defaults.bake().map(Durations::format).orElse(null), checks(defaults), cells));
        }
        TopologyView view = new TopologyView(t.version(), topology.loadedAt(), topology.directory().toString(), rings);
        return new Rendered(cache.version(), cache.contentVersion(), t.version(), write(view), etag(signature));
    }

    CellView cellView(Cell cell) {
        CellState state = cache.getOrNeverRead(cell.id());
        CellGateway.BreakerStatus breaker = gateway.breaker(cell.id());
        String status = state.lastAttemptAt() == null && !state.everRead() ? "unknown"
                : state.stale() ? "unreachable" : "reachable";
        return new CellView(cell.id(), cell.ring(), cell.adapter(), cell.url().toString(),
                cell.credential().toString(), new TreeMap<>(cell.labels()),
                new Reachability(status, state.readAt(), state.lastAttemptAt(), state.error(), state.staleSince(),
                        breaker.state(), breaker.openUntil()));
    }

    Rendered cellFlags(Cell cell, boolean fresh) {
        Topology t = topology.current();
        CellState state = cache.getOrNeverRead(cell.id());
        Sha256 signature = Sha256.start().add(t.version()).add(cell.id()).add(state.contentHash())
                .add(state.stale()).add(state.error());
        List<CellFlagEntry> flags = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(state.flags().keySet());
        names.addAll(t.flags().keySet());
        for (String n : names) {
            Gates gates = state.flags().get(n);
            flags.add(new CellFlagEntry(n, t.flags().containsKey(n), gates == null ? UNSET : gates.state().wireName(),
                    describe(gates), gatesView(gates)));
        }
        CellFlagsView view = new CellFlagsView(cell.id(), cell.ring(), state.readAt(), state.stale(), state.error(),
                fresh, flags);
        return new Rendered(cache.version(), cache.contentVersion(), t.version(), write(view), etag(signature));
    }

    /** Adds gates field by field (a thousand {@code toString}s were a fifth of rendering a flag's view). */
    private static Sha256 sign(Sha256 signature, Gates g) {
        return g == null ? signature.add(UNSET) : CellStateCache.addGates(signature, g);
    }

    /** A weak ETag from what a document depends on: equivalent documents, same tag. */
    private static EntityTag etag(Sha256 signature) {
        return new EntityTag(signature.hex(12), true);
    }

    private static String describe(Gates gates) {
        return FleetFlags.describe(gates);
    }

    private static GatesView gatesView(Gates g) {
        if (g == null) {
            return null;
        }
        return new GatesView(g.enabled(), g.percentageOfActors(), g.percentageOfTime(), List.copyOf(g.actors()),
                List.copyOf(g.groups()));
    }

    private static DefinitionView definition(FlagDefinition d) {
        Map<String, String> links = new TreeMap<>();
        d.links().forEach((k, v) -> links.put(k, v.toString()));
        return new DefinitionView(d.owner(), d.type().wireName(), d.description(), d.group(), d.defaultEnabled(),
                links, d.rollout().bake().map(Durations::format).orElse(null), checks(d.rollout()));
    }

    private static List<CheckRuleView> checks(RolloutPolicy policy) {
        return policy.checks().stream()
                .map((CheckRule r) -> new CheckRuleView(r.check(), r.halt(), r.rollback().orElse(null)))
                .toList();
    }

    private byte[] write(Object view) {
        try {
            return json.writeValueAsBytes(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("views always serialize", e);
        }
    }

    private static RingSummary summary(FleetFlags.RingSummary s) {
        return new RingSummary(s.ring(), s.name(), s.uniform(), s.value(), s.cells(), s.staleCells(),
                s.breakdown().stream().map(v -> new ValueCount(v.value(), v.cells())).toList());
    }
}
