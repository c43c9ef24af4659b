package dev.ripple.topology;

import dev.ripple.flags.FlagDefinition;
import dev.ripple.health.HealthCheck;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One validated {@code rings/} tree: rings in order (innermost first), their cells, the named health checks and the
 * flag definitions. Immutable; a reload swaps the whole snapshot.
 */
public final class Topology {
    private final List<Ring> rings;
    private final SortedMap<String, HealthCheck> checks;
    private final SortedMap<String, FlagDefinition> flags;
    private final String version;
    private final Map<String, Cell> cellsById;
    private final List<Cell> cells;

    /**
     * @param version a digest of the files it was read from, so two snapshots of the same tree compare equal
     */
    public Topology(List<Ring> rings, Map<String, HealthCheck> checks, Map<String, FlagDefinition> flags,
                    String version) {
        this.rings = rings.stream().sorted(java.util.Comparator.comparingInt(Ring::id)).toList();
        this.checks = Collections.unmodifiableSortedMap(new TreeMap<>(checks));
        this.flags = Collections.unmodifiableSortedMap(new TreeMap<>(flags));
        this.version = version;
        Map<String, Cell> index = new LinkedHashMap<>();
        this.rings.forEach(r -> r.cells().forEach(c -> index.put(c.id(), c)));
        this.cellsById = Collections.unmodifiableMap(index);
        this.cells = List.copyOf(index.values());
    }

    /** Rings from the innermost (lowest id) out. */
    public List<Ring> rings() {
        return rings;
    }

    public SortedMap<String, HealthCheck> checks() {
        return checks;
    }

    public SortedMap<String, FlagDefinition> flags() {
        return flags;
    }

    public String version() {
        return version;
    }

    /** Every cell, ring by ring from the innermost out. */
    public List<Cell> cells() {
        return cells;
    }

    public Optional<Cell> cell(String id) {
        return Optional.ofNullable(cellsById.get(id));
    }

    public Optional<Ring> ring(int id) {
        return rings.stream().filter(r -> r.id() == id).findFirst();
    }

    public Optional<FlagDefinition> flag(String name) {
        return Optional.ofNullable(flags.get(name));
    }
}
