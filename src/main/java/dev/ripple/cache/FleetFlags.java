package dev.ripple.cache;

import dev.ripple.flags.FlagDefinition;
import dev.ripple.flags.Gates;
import dev.ripple.topology.Cell;
import dev.ripple.topology.Ring;
import dev.ripple.topology.Topology;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

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
     */
    public List<FlagSummary> list(Topology topology, String match) {
        String needle = match == null ? null : match.toLowerCase(Locale.ROOT);
        TreeMap<String, Map<Integer, Tally>> tallies = new TreeMap<>();
        topology.flags().keySet().forEach(n -> tallies.put(n, new HashMap<>()));
        Map<Integer, Integer> staleByRing = new HashMap<>();
        for (Ring ring : topology.rings()) {
            for (Cell cell : ring.cells()) {
                CellState state = cache.getOrNeverRead(cell.id());
                if (state.stale()) {
                    staleByRing.merge(ring.id(), 1, Integer::sum);
                }
                state.flags().forEach((n, g) -> tallies.computeIfAbsent(n, k -> new HashMap<>())
                        .computeIfAbsent(ring.id(), k -> new Tally()).add(g));
            }
        }
        List<FlagSummary> flags = new ArrayList<>();
        tallies.forEach((n, byRing) -> {
            if (needle != null && !n.contains(needle)) {
                return;
            }
            List<RingSummary> rings = new ArrayList<>();
            for (Ring ring : topology.rings()) {
                rings.add(byRing.getOrDefault(ring.id(), new Tally())
                        .summary(ring, staleByRing.getOrDefault(ring.id(), 0)));
            }
            flags.add(new FlagSummary(n, topology.flags().get(n), rings));
        });
        return flags;
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
        /** By gates first (a lookup), described once per distinct value at the end: the list counts 100,000 cells. */
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
