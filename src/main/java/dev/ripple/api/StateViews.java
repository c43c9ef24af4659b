package dev.ripple.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.cache.CellState;
import dev.ripple.cache.CellStateCache;
import dev.ripple.cells.CellGateway;
import dev.ripple.flags.FlagDefinition;
import dev.ripple.flags.Gates;
import dev.ripple.health.CheckRule;
import dev.ripple.health.RolloutPolicy;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

import static dev.ripple.api.Views.*;

/**
 * Builds the query API's documents from the topology and the cell state cache. The documents of single flags and of
 * the flag list are rendered once per cache version and then served as bytes (and gzip bytes), so polling a flag
 * across a thousand cells costs a map lookup. ETags change when a gate, a cell's staleness or an error changes, not
 * when a cell is merely re-read, so pollers get {@code 304} until something they care about moves.
 */
@ApplicationScoped
class StateViews {
    private static final String UNSET = "unset";

    private final TopologyService topology;
    private final CellStateCache cache;
    private final CellGateway gateway;
    private final ObjectMapper json;
    private final Map<String, Rendered> flagMemo = new ConcurrentHashMap<>();
    private volatile Rendered listMemo;

    StateViews(TopologyService topology, CellStateCache cache, CellGateway gateway, ObjectMapper json) {
        this.topology = topology;
        this.cache = cache;
        this.gateway = gateway;
        this.json = json;
    }

    /**
     * A rendered document: its body, its gzip form (made on first demand) and its ETag. The bodies are kept as
     * Vert.x buffers so every response writes the same memory without copying it (a fleet-wide document is
     * hundreds of kilobytes; a copy per request was most of the garbage under load).
     */
    static final class Rendered {
        final long cacheVersion;
        final String topologyVersion;
        final Buffer body;
        final EntityTag etag;
        private volatile Buffer gzip;

        Rendered(long cacheVersion, String topologyVersion, byte[] body, EntityTag etag) {
            this.cacheVersion = cacheVersion;
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

    Rendered flag(String name) {
        Topology t = topology.current();
        long version = cache.version();
        Rendered memo = flagMemo.get(name);
        if (memo != null && memo.cacheVersion == version && memo.topologyVersion.equals(t.version())) {
            return memo;
        }
        Rendered rendered = renderFlag(t, name, false, version);
        if (flagMemo.size() > 10_000) {
            flagMemo.clear();
        }
        flagMemo.put(name, rendered);
        return rendered;
    }

    Rendered freshFlag(String name) {
        Topology t = topology.current();
        return renderFlag(t, name, true, cache.version());
    }

    private Rendered renderFlag(Topology t, String name, boolean fresh, long version) {
        Sha256 signature = Sha256.start().add(t.version()).add(name);
        boolean known = t.flag(name).isPresent();
        int stale = 0;
        List<RingFlagView> rings = new ArrayList<>();
        for (Ring ring : t.rings()) {
            List<CellFlagView> cells = new ArrayList<>(ring.cells().size());
            Tally tally = new Tally();
            int ringStale = 0;
            for (Cell cell : ring.cells()) {
                CellState state = cache.getOrNeverRead(cell.id());
                Gates gates = state.flags().get(name);
                known |= gates != null;
                ringStale += state.stale() ? 1 : 0;
                tally.add(gates);
                signature.add(cell.id()).add(gates == null ? UNSET : gates.toString()).add(state.stale())
                        .add(state.error());
                cells.add(new CellFlagView(cell.id(), gates != null,
                        gates == null ? UNSET : gates.state().wireName(), describe(gates), gatesView(gates),
                        state.readAt(), state.stale(), state.error()));
            }
            stale += ringStale;
            rings.add(new RingFlagView(ring.id(), ring.name(), tally.summary(ring, ringStale), cells));
        }
        if (!known) {
            throw new ApiException(ErrorCode.UNKNOWN_FLAG, "no flag '" + name + "' is defined in rings/ or set on "
                    + "any cell", Map.of("flag", name));
        }
        FlagView view = new FlagView(name, t.flag(name).map(StateViews::definition).orElse(null), fresh, stale, rings);
        return new Rendered(version, t.version(), write(view), etag(signature));
    }

    Rendered flagList(String match) {
        Topology t = topology.current();
        long version = cache.version();
        Rendered memo = listMemo;
        if (match == null && memo != null && memo.cacheVersion == version && memo.topologyVersion.equals(t.version())) {
            return memo;
        }
        String needle = match == null ? null : match.toLowerCase(Locale.ROOT);
        TreeMap<String, Map<Integer, Tally>> tallies = new TreeMap<>();
        t.flags().keySet().forEach(n -> tallies.put(n, new HashMap<>()));
        Map<Integer, Integer> staleByRing = new HashMap<>();
        for (Ring ring : t.rings()) {
            for (Cell cell : ring.cells()) {
                CellState state = cache.getOrNeverRead(cell.id());
                if (state.stale()) {
                    staleByRing.merge(ring.id(), 1, Integer::sum);
                }
                state.flags().forEach((n, g) -> tallies.computeIfAbsent(n, k -> new HashMap<>())
                        .computeIfAbsent(ring.id(), k -> new Tally()).add(g));
            }
        }
        List<FlagSummaryView> flags = new ArrayList<>();
        tallies.forEach((n, byRing) -> {
            if (needle != null && !n.contains(needle)) {
                return;
            }
            List<RingSummary> rings = new ArrayList<>();
            for (Ring ring : t.rings()) {
                rings.add(byRing.getOrDefault(ring.id(), new Tally())
                        .summary(ring, staleByRing.getOrDefault(ring.id(), 0)));
            }
            FlagDefinition d = t.flags().get(n);
            flags.add(new FlagSummaryView(n, d != null, d == null ? null : d.type().wireName(),
                    d == null ? null : d.owner(), rings));
        });
        byte[] body = write(new FlagListView(flags.size(), flags));
        Rendered rendered = new Rendered(version, t.version(), body, etag(Sha256.start().add(t.version()).add(body)));
        if (match == null) {
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
                    defaults.bake().map(StateViews::duration).orElse(null), checks(defaults), cells));
        }
        TopologyView view = new TopologyView(t.version(), topology.loadedAt(), topology.directory().toString(), rings);
        return new Rendered(cache.version(), t.version(), write(view), etag(signature));
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
        return new Rendered(cache.version(), t.version(), write(view), etag(signature));
    }

    /** A weak ETag from what a document depends on: equivalent documents, same tag. */
    private static EntityTag etag(Sha256 signature) {
        return new EntityTag(signature.hex(12), true);
    }

    private static String describe(Gates gates) {
        return gates == null ? UNSET : gates.describe();
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
                links, d.rollout().bake().map(StateViews::duration).orElse(null), checks(d.rollout()));
    }

    private static List<CheckRuleView> checks(RolloutPolicy policy) {
        return policy.checks().stream()
                .map((CheckRule r) -> new CheckRuleView(r.check(), r.halt(), r.rollback().orElse(null)))
                .toList();
    }

    /** {@code 1h30m}, the way rings/ writes durations. */
    static String duration(Duration d) {
        StringBuilder s = new StringBuilder();
        long seconds = d.getSeconds();
        if (seconds / 86400 > 0) {
            s.append(seconds / 86400).append('d');
        }
        if (seconds % 86400 / 3600 > 0) {
            s.append(seconds % 86400 / 3600).append('h');
        }
        if (seconds % 3600 / 60 > 0) {
            s.append(seconds % 3600 / 60).append('m');
        }
        if (seconds % 60 > 0) {
            s.append(seconds % 60).append('s');
        }
        if (d.toMillisPart() > 0) {
            s.append(d.toMillisPart()).append("ms");
        }
        return s.isEmpty() ? "0s" : s.toString();
    }

    private byte[] write(Object view) {
        try {
            return json.writeValueAsBytes(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("views always serialize", e);
        }
    }

    /** Counts the values one flag holds across a ring's cells; cells never counted are "unset". */
    private static final class Tally {
        private final Map<String, Integer> counts = new LinkedHashMap<>();
        private int cells;

        void add(Gates gates) {
            counts.merge(describe(gates), 1, Integer::sum);
            cells++;
        }

        RingSummary summary(Ring ring, int stale) {
            int total = ring.cells().size();
            if (cells < total) {
                counts.merge(UNSET, total - cells, Integer::sum);
            }
            boolean uniform = counts.size() <= 1;
            String value = counts.isEmpty() ? UNSET : uniform ? counts.keySet().iterator().next() : "mixed";
            List<ValueCount> breakdown = uniform ? List.of() : counts.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .map(e -> new ValueCount(e.getKey(), e.getValue())).toList();
            return new RingSummary(ring.id(), ring.name(), uniform, value, total, stale, breakdown);
        }
    }}
