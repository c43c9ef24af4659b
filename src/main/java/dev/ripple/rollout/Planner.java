package dev.ripple.rollout;

import dev.ripple.flags.FlagDefinition;
import dev.ripple.health.CheckRule;
import dev.ripple.health.RolloutPolicy;
import dev.ripple.topology.Cell;
import dev.ripple.topology.Ring;
import dev.ripple.topology.Topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.OptionalInt;
import java.util.Map;

/**
 * Turns a request into the rings it will visit, in order, each with its cells, bake time and checks, or refuses it
 * with the reason. Never touches the quarantine ring unless single quarantine cells are named.
 */
public final class Planner {
    private Planner() {
    }

    public static List<PlannedRing> plan(Topology topology, RolloutRequest request) {
        FlagDefinition flag = topology.flag(request.flag()).orElseThrow(() -> new RolloutRejected(
                "unknown-flag-definition", "no flag '" + request.flag() + "' in rings/flags/; known: "
                + String.join(", ", topology.flags().keySet())));
        if (!request.cells().isEmpty()) {
            return List.of(targeted(topology, request, flag));
        }
        List<Ring> normal = normalRings(topology);
        if (normal.isEmpty()) {
            throw new RolloutRejected("ring-out-of-range", "rings/ has no ring outside quarantine");
        }
        int outermost = normal.get(normal.size() - 1).id();
        if (normal.stream().noneMatch(r -> r.id() == request.upToRing())) {
            throw new RolloutRejected("ring-out-of-range", "ring " + request.upToRing() + " is not a ring to roll out"
                    + " to; choose one of " + normal.stream().map(r -> Integer.toString(r.id())).toList());
        }
        if (request.change().isActorChange() && request.upToRing() != outermost) {
            throw new RolloutRejected("actor-change-not-outermost", "an actor change must reach every ring (up to ring "
                    + outermost + "): an actor must behave the same whichever cell it lives on");
        }
        List<PlannedRing> plan = new ArrayList<>();
        for (Ring ring : normal) {
            if (ring.id() > request.upToRing()) {
                break;
            }
            if (request.mode() == Mode.GRADUAL && ring.policy().skipGradual()) {
                continue;
            }
            if (ring.cells().isEmpty()) {
                continue;
            }
            plan.add(planned(ring, ring.cells(), flag, request.mode()));
        }
        if (plan.isEmpty()) {
            throw new RolloutRejected("ring-out-of-range", "no cells to change up to ring " + request.upToRing()
                    + (request.mode() == Mode.GRADUAL ? " (rings marked skip-gradual are left out)" : ""));
        }
        return plan;
    }

    /** The outermost ring a rollout can reach, or empty when {@code rings/} has none outside quarantine. */
    public static OptionalInt outermostRing(Topology topology) {
        List<Ring> normal = normalRings(topology);
        return normal.isEmpty() ? OptionalInt.empty() : OptionalInt.of(normal.get(normal.size() - 1).id());
    }

    private static List<Ring> normalRings(Topology topology) {
        return topology.rings().stream().filter(r -> !r.isQuarantine()).toList();
    }

    private static PlannedRing targeted(Topology topology, RolloutRequest request, FlagDefinition flag) {
        if (request.upToRing() != Ring.QUARANTINE_ID) {
            throw new RolloutRejected("contradictory-options", "name either single cells or a ring to roll out up to,"
                    + " not both");
        }
        List<Cell> cells = new ArrayList<>();
        List<String> notQuarantine = new ArrayList<>();
        for (String id : request.cells()) {
            Cell cell = topology.cell(id).orElseThrow(() -> new RolloutRejected("unknown-cell",
                    "no cell '" + id + "' in rings/"));
            Ring ring = topology.ring(cell.ring()).orElseThrow();
            if (!ring.isQuarantine()) {
                notQuarantine.add(id + " (ring " + cell.ring() + ")");
            }
            if (!cells.contains(cell)) {
                cells.add(cell);
            }
        }
        if (!notQuarantine.isEmpty()) {
            throw new RolloutRejected("cell-not-in-quarantine", "only cells of the quarantine ring can be targeted one"
                    + " by one; not in quarantine: " + String.join(", ", notQuarantine)
                    + ". Roll out to rings instead");
        }
        Ring quarantine = topology.ring(Ring.QUARANTINE_ID).orElseThrow();
        return planned(quarantine, cells, flag, request.mode());
    }

    private static PlannedRing planned(Ring ring, List<Cell> cells, FlagDefinition flag, Mode mode) {
        List<String> ids = cells.stream().map(Cell::id).toList();
        if (mode == Mode.IMMEDIATE) {
            return new PlannedRing(ring.id(), ring.name(), ids, Duration.ZERO, List.of());
        }
        RolloutPolicy defaults = ring.policy().defaults();
        RolloutPolicy own = flag.rollout();
        Duration bake = own.bake().or(defaults::bake).orElse(Duration.ZERO);
        return new PlannedRing(ring.id(), ring.name(), ids, bake, merge(defaults.checks(), own.checks()));
    }

    /** The ring's rules, each replaced by the flag's rule for the same check, plus the flag's other rules. */
    static List<CheckRule> merge(List<CheckRule> ring, List<CheckRule> flag) {
        Map<String, CheckRule> byName = new LinkedHashMap<>();
        ring.forEach(r -> byName.put(r.check(), r));
        flag.forEach(r -> byName.put(r.check(), r));
        return List.copyOf(byName.values());
    }

}
