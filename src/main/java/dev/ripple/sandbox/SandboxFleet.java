package dev.ripple.sandbox;

import dev.ripple.flags.FlagDefinition;
import dev.ripple.flags.Gates;
import dev.ripple.topology.Cell;
import dev.ripple.topology.Ring;
import dev.ripple.topology.Topology;
import dev.ripple.topology.TopologyChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * The simulated cells, by id. In the app it follows the topology: every cell with a {@code sandbox://ID} URL gets a
 * sandbox cell. Outside CDI (benchmarks, tests) it is built with {@link #SandboxFleet(Clock, RandomGenerator)}.
 */
@ApplicationScoped
public class SandboxFleet {
    private static final Logger LOG = Logger.getLogger(SandboxFleet.class);
    private static final BigDecimal HALF = BigDecimal.valueOf(50);

    private final Map<String, SandboxCell> cells = new ConcurrentHashMap<>();
    private final SandboxCalls calls = new SandboxCalls();
    private final Clock clock;
    private final RandomGenerator random;
    private final boolean seedDemo;
    private volatile Topology topology;

    @Inject
    SandboxFleet(@ConfigProperty(name = "ripple.sandbox.seed-demo", defaultValue = "true") boolean seedDemo) {
        this(Clock.systemUTC(), new Random(), seedDemo);
    }

    /** A fleet that seeds nothing. {@code random} must be safe for concurrent use, e.g. a seeded {@link Random}. */
    public SandboxFleet(Clock clock, RandomGenerator random) {
        this(clock, random, false);
    }

    /** @param seedDemo give cells created for the topology a few flags, more enabled in inner rings */
    public SandboxFleet(Clock clock, RandomGenerator random, boolean seedDemo) {
        this.clock = clock;
        this.random = random;
        this.seedDemo = seedDemo;
    }

    /** Creates the cell if there is none with this id; returns the cell either way. */
    public SandboxCell create(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a sandbox cell needs an id");
        }
        return cells.computeIfAbsent(id, k -> new SandboxCell(k, clock, random, this::definitions));
    }

    public void ensureCells(Collection<String> ids) {
        ids.forEach(this::create);
    }

    public Optional<SandboxCell> cell(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(cells.get(id));
    }

    /** Every cell, by id. */
    public List<SandboxCell> cells() {
        return cells.values().stream().sorted(Comparator.comparing(SandboxCell::id)).toList();
    }

    /** Every admin-API call the cells received, newest last. */
    public SandboxCalls calls() {
        return calls;
    }

    Instant now() {
        return clock.instant();
    }

    public boolean remove(String id) {
        return cells.remove(id) != null;
    }

    /**
     * Back to how the fleet started: every cell dropped and the call log emptied, then the current topology's cells
     * created (and seeded) anew.
     */
    public void reset() {
        cells.clear();
        calls.clear();
        Topology current = topology;
        if (current != null) {
            follow(current);
        }
    }

    void onTopologyChanged(@Observes TopologyChanged event) {
        topology = event.current();
        follow(event.current());
    }

    /** The definitions every cell's code ships with: the topology's flags. */
    Map<String, FlagDefinition> definitions() {
        Topology current = topology;
        return current == null ? Map.of() : current.flags();
    }

    // Cells dropped from the topology are kept: a test or a benchmark may still be talking to them.
    private void follow(Topology current) {
        int created = 0;
        for (Ring ring : current.rings()) {
            for (Cell cell : ring.cells()) {
                if (!cell.isSandbox()) {
                    continue;
                }
                String id = cell.sandboxId();
                if (cells.containsKey(id)) {
                    continue;
                }
                SandboxCell sandbox = create(id);
                created++;
                if (seedDemo) {
                    seed(sandbox, ring, current);
                }
            }
        }
        if (created > 0) {
            LOG.infof("Sandbox fleet: %d cell(s) created, %d in all", created, cells.size());
        }
    }

    /** A fleet mid-rollout: ring 0 has every flag on, ring 1 half of the actors, the outer rings off. */
    private static void seed(SandboxCell cell, Ring ring, Topology topology) {
        if (ring.id() == Ring.QUARANTINE_ID) {
            return;
        }
        for (String flag : topology.flags().keySet()) {
            Gates gates = switch (ring.id()) {
                case 0 -> Gates.OFF.withEnabled(true);
                case 1 -> Gates.OFF.withPercentageOfActors(HALF);
                default -> Gates.OFF;
            };
            cell.putFlag(flag, gates);
        }
    }
}
