package dev.ripple.cache;

import dev.ripple.flags.FlagDefinition;
import dev.ripple.flags.Gates;
import dev.ripple.topology.Cell;
import dev.ripple.topology.Ring;
import dev.ripple.topology.Topology;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a flag looks like across the fleet, ring by ring, from the cell state cache: per ring the value every cell
 * agrees on, or "mixed" with how many cells hold what. The query API and ChatOps both answer from here, so a chat
 * reply and {@code GET /api/v1/flags/…} never disagree.
 */
@ApplicationScoped
public class FleetFlags {
    /** A cell that has never persisted the flag: the definition's default applies there. */
    public static final String UNSET = "unset";

    private final CellStateCache cache;
    private final Map<String, Counted> counts = new ConcurrentHashMap<>();
    private volatile Names names;

    FleetFlags(CellStateCache cache) {
        this.cache = cache;
    }

    /** One flag per ring and per cell; empty when it is neither defined in {@code rings/} nor set on any cell. */
    public Optional<Flag> flag(Topology topology, String name) {
        boolean known = topology.flag(name).isPresent();
        int stale = 0;
        List<RingFlag> rings = new ArrayList<>();
        for (Ring ring : topology.rings()) {
            List<CellFlag> cells = new ArrayList<>(ring.cells().size());
            Tally tally = new Tally();
            int ringStale = 0;
            for (Cell cell : ring.cells()) {
                CellState state = cache.getOrNeverRead(cell.id());
                Gates gates = state.flags().get(name);
                known |= gates != null;
                ringStale += state.stale() ? 1 : 0;
                tally.add(gates);
                cells.add(new CellFlag(cell.id(), state, gates));
            }
            stale += ringStale;
            rings.add(new RingFlag(ring, tally.summary(ring, ringStale), cells));
        }
        return known ? Optional.of(new Flag(name, topology.flag(name), stale, rings)) : Optional.empty();
    }

    /**
     * Every flag defined in {@code rings/} or set on any cell, by name, each with its per-ring summary; with
     * {@code match}, only names containing it (any case).
     * <p>
     * A flag's counts are kept from one call to the next while {@link CellStateCache#flagVersion} and the topology
     * stay as they were, and the names set on cells while {@link CellStateCache#namesVersion} does: during 100
     * rollouts a dashboard's list recounts the few flags that changed since it last asked, not 100 flags on 1,000
     * cells. Each version is read before the states it covers, so a count that raced a write is recounted next time.
     */
    public List<FlagSummary> list(Topology topology, String match) {
        String needle = match == null ? null : match.toLowerCase(Locale.ROOT);
        TreeSet<String> names = new TreeSet<>(topology.flags().keySet());
        names.addAll(namesOnCells(topology));
        List<String> listed = names.stream().filter(n -> needle == null || n.contains(needle)).toList();
        // Every version before any state: a write that lands in between is either counted here or moves its flag's
        // version past the one kept with the count (the cache stamps after it writes).
        long[] versions = new long[listed.size()];
        for (int i = 0; i < listed.size(); i++) {
            versions[i] = cache.flagVersion(listed.get(i));
        }
        List<Ring> rings = topology.rings();
        CellState[][] states = states(topology);
        int[] staleByRing = new int[rings.size()];
        for (int r = 0; r < rings.size(); r++) {
            for (CellState state : states[r]) {
                staleByRing[r] += state.stale() ? 1 : 0;
            }
        }
        List<FlagSummary> flags = new ArrayList<>(listed.size());
        for (int i = 0; i < listed.size(); i++) {
            String name = listed.get(i);
            Counted counted = counts.get(name);
            if (counted == null || counted.flagVersion != versions[i]
                    || !counted.topologyVersion.equals(topology.version())) {
                counted = count(topology, states, name, versions[i]);
                counts.put(name, counted);
            }
            List<RingSummary> summaries = new ArrayList<>(rings.size());
            for (int r = 0; r < rings.size(); r++) {
                summaries.add(counted.byRing[r].summary(rings.get(r), staleByRing[r]));
            }
            flags.add(new FlagSummary(name, topology.flags().get(name), summaries));
        }
        if (counts.size() > 2 * names.size() + 1_000) {
            counts.keySet().retainAll(names);
        }
        return flags;
    }

    /** The names of the flags set on any cell of {@code topology}, recollected only when one may have come or gone. */
    private Set<String> namesOnCells(Topology topology) {
        Names known = names;
        long version = cache.namesVersion();
        if (known != null && known.namesVersion == version && known.topologyVersion.equals(topology.version())) {
            return known.names;
        }
        Set<String> collected = new HashSet<>();
        for (Cell cell : topology.cells()) {
            collected.addAll(cache.getOrNeverRead(cell.id()).flags().keySet());
        }
        names = new Names(topology.version(), version, Set.copyOf(collected));
        return names.names;
    }

    /** Every cell's state, ring by ring in the topology's order: one lookup per cell for the whole list. */
    private CellState[][] states(Topology topology) {
        List<Ring> rings = topology.rings();
        CellState[][] states = new CellState[rings.size()][];
        for (int r = 0; r < rings.size(); r++) {
            List<Cell> cells = rings.get(r).cells();
            states[r] = new CellState[cells.size()];
            for (int c = 0; c < cells.size(); c++) {
                states[r][c] = cache.getOrNeverRead(cells.get(c).id());
            }
        }
        return states;
    }

    private static Counted count(Topology topology, CellState[][] states, String name, long version) {
        Tally[] byRing = new Tally[states.length];
        for (int r = 0; r < states.length; r++) {
            byRing[r] = new Tally();
            for (CellState state : states[r]) {
                Gates gates = state.flags().get(name);
                if (gates != null) {
                    byRing[r].add(gates);
                }
            }
        }
        return new Counted(topology.version(), version, byRing);
    }

    /** One flag's tallies per ring (in the topology's ring order), as of its {@code flagVersion}. */
    private record Counted(String topologyVersion, long flagVersion, Tally[] byRing) {
    }

    /** The names of the flags set on cells, as of {@code namesVersion}. */
    private record Names(String topologyVersion, long namesVersion, Set<String> names) {
    }

    /** How a flag's gates read in a summary: {@code on}, {@code 25% of actors}, ... or {@link #UNSET}. */
    public static String describe(Gates gates) {
        return gates == null ? UNSET : gates.describe();
    }

    public record Flag(String name, Optional<FlagDefinition> definition, int staleCells, List<RingFlag> rings) {
    }

    public record RingFlag(Ring ring, RingSummary summary, List<CellFlag> cells) {
    }

    /** One cell's view of the flag; {@code gates} is null when the cell has never persisted it. */
    public record CellFlag(String cell, CellState state, Gates gates) {
    }

    /** A flag in a list: {@code definition} is null for a flag set on cells but not defined in {@code rings/}. */
    public record FlagSummary(String name, FlagDefinition definition, List<RingSummary> rings) {
    }

    /**
     * One flag in one ring: {@code uniform} when every cell agrees ({@code value} is then that value), otherwise
     * {@code value} is "mixed" and {@code breakdown} says how many cells hold what, most common first.
     */
    public record RingSummary(int ring, String name, boolean uniform, String value, int cells, int staleCells,
                              List<ValueCount> breakdown) {
    }

    public record ValueCount(String value, int cells) {
    }

    /** Counts the values one flag holds across a ring's cells; cells never counted are "unset". */
    private static final class Tally {
        /** By gates first (a lookup), described once per distinct value when summarised. */
        private final Map<Gates, Integer> byGates = new LinkedHashMap<>();
        private int cells;

        void add(Gates gates) {
            byGates.merge(gates, 1, Integer::sum);
            cells++;
        }

        RingSummary summary(Ring ring, int stale) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            byGates.forEach((gates, n) -> counts.merge(describe(gates), n, Integer::sum));
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
    }
}
