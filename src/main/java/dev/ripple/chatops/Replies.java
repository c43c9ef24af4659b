package dev.ripple.chatops;

import dev.ripple.cache.FleetFlags;
import dev.ripple.incidents.Incident;
import dev.ripple.platform.Durations;
import dev.ripple.rollout.Mode;
import dev.ripple.rollout.Operation;
import dev.ripple.rollout.Phase;
import dev.ripple.rollout.PlannedRing;
import dev.ripple.rollout.Rollout;
import dev.ripple.rollout.RolloutRequest;
import dev.ripple.rollout.RolloutService;
import dev.ripple.rollout.RolloutState;
import dev.ripple.rollout.RolloutStore;
import dev.ripple.rollout.RolloutSummary;
import dev.ripple.topology.Ring;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The text of chat replies: a few short lines each, readable in a busy channel. */
final class Replies {
    /** Lines a list shows before it says how many more there are. */
    static final int LIST_MAX = 15;

    private Replies() {
    }

    static String help() {
        return "Ripple rolls feature-flag changes out ring by ring. Commands:\n"
                + CommandParser.USAGE.stream().map(u -> "• `" + u + "`").collect(Collectors.joining("\n"))
                + "\nVALUE is true, false, or a percentage with --actors (of actors) or --random (of time)."
                + " Without --ring a change goes up to the outermost ring; --immediate (SREs) skips bakes and checks.";
    }

    static String flag(FleetFlags.Flag flag, Optional<Long> activeRollout) {
        StringBuilder s = new StringBuilder(flag.name());
        flag.definition().ifPresentOrElse(d -> s.append(" (").append(d.type().wireName()).append(", ")
                        .append(d.owner()).append(")").append(d.description() == null ? "" : ": " + d.description()),
                () -> s.append(" (not defined in rings/)"));
        for (FleetFlags.RingFlag ring : flag.rings()) {
            s.append("\n• ").append(ringName(ring.ring().id(), ring.ring().name())).append(": ")
                    .append(summary(ring.summary()));
        }
        activeRollout.ifPresent(id -> s.append("\nActive rollout: ").append(id).append(" (`rollout status ")
                .append(id).append("`)"));
        return s.toString();
    }

    static String flags(List<FleetFlags.FlagSummary> flags, String match) {
        if (flags.isEmpty()) {
            return match == null ? "No flags." : "No flag matches '" + match + "'.";
        }
        StringBuilder s = new StringBuilder(flags.size() + (flags.size() == 1 ? " flag" : " flags")
                + (match == null ? "" : " matching '" + match + "'") + ":");
        flags.stream().limit(LIST_MAX).forEach(f -> s.append("\n• ").append(f.name()).append(": ").append(f.rings()
                .stream().map(r -> r.name() + " " + (r.uniform() ? r.value() : "mixed"))
                .collect(Collectors.joining(" · "))));
        if (flags.size() > LIST_MAX) {
            s.append("\n… and ").append(flags.size() - LIST_MAX).append(" more; narrow it with --match");
        }
        return s.toString();
    }

    /** {@code on (3 cells)}, or {@code mixed: 2× on, 1× off}, and how many cells could not be read. */
    private static String summary(FleetFlags.RingSummary r) {
        String value = r.uniform() ? r.value() + " (" + cells(r.cells()) + ")" : "mixed: " + r.breakdown().stream()
                .map(v -> v.cells() + "× " + v.value()).collect(Collectors.joining(", "));
        return value + (r.staleCells() > 0 ? ", " + r.staleCells() + " stale" : "");
    }

    static String started(RolloutStore.Created created) {
        Rollout r = created.rollout();
        StringBuilder s = new StringBuilder(created.existing() ? "Already started as rollout " + r.id() + ": "
                : "Rollout " + r.id() + " started: ");
        s.append(what(r.request()));
        r.plan().forEach(ring -> s.append("\n• ").append(ring(ring.ring(), ring.name(), ring.cells().size(),
                ring.bake(), r.request().mode())));
        s.append("\nFollow it with `rollout status ").append(r.id()).append("`.");
        return s.toString();
    }

    static String dryRun(RolloutService.DryRun plan) {
        StringBuilder s = new StringBuilder("Dry run, nothing started: ").append(plan.flag()).append(" → ")
                .append(plan.change()).append(", ").append(plan.mode().wireName())
                .append(plan.upToRing() == Ring.QUARANTINE_ID ? " on single quarantine cells"
                        : " up to ring " + plan.upToRing());
        for (RolloutService.DryRun.Ring ring : plan.rings()) {
            s.append("\n• ").append(ring(ring.ring(), ring.name(), ring.cells().size(), ring.bake(), plan.mode()));
            if (!ring.checks().isEmpty()) {
                s.append(", checks: ").append(ring.checks().stream().map(c -> c.check() + " (halt " + c.halt()
                        + (c.rollback() == null ? "" : ", rollback " + c.rollback()) + ")")
                        .collect(Collectors.joining(", ")));
            }
            Map<String, Integer> now = new LinkedHashMap<>();
            ring.cells().forEach(c -> now.merge(c.now(), 1, Integer::sum));
            s.append("; now: ").append(now.entrySet().stream().map(e -> e.getValue() + "× " + e.getKey())
                    .collect(Collectors.joining(", ")));
        }
        if (plan.activeRollout() != null) {
            s.append("\nThe flag has an active rollout (").append(plan.activeRollout())
                    .append("): starting this would be refused.");
        }
        return s.toString();
    }

    /** {@code ring 1 (early): 3 cells, bake 30m} */
    private static String ring(int id, String name, int cells, Duration bake, Mode mode) {
        return ringName(id, name) + ": " + cells(cells) + (mode == Mode.IMMEDIATE ? ", at once" : ", bake "
                + Durations.format(bake));
    }

    static String status(Rollout r) {
        StringBuilder s = new StringBuilder("Rollout ").append(r.id()).append(": ").append(what(r.request()));
        s.append("\nState: ").append(r.state().wireName());
        r.currentRing().filter(x -> !r.state().isTerminal()).ifPresent(ring -> {
            s.append(" at ").append(ringName(ring.ring(), ring.name()));
            if (r.state() == RolloutState.RUNNING) {
                s.append(", ").append(r.phase().wireName());
                if (r.phase() == Phase.BAKE && r.bakeUntil() != null) {
                    s.append(" until ").append(time(r.bakeUntil()));
                }
            }
        });
        if (r.reason() != null && !r.reason().isBlank()) {
            s.append(": ").append(r.reason());
        }
        List<String> rings = new ArrayList<>();
        for (int i = 0; i < r.plan().size(); i++) {
            PlannedRing ring = r.plan().get(i);
            rings.add(ring.ring() + " " + ring.name() + " " + ringStatus(r, i));
        }
        s.append("\nRings: ").append(String.join(" · ", rings));
        return s.toString();
    }

    private static String ringStatus(Rollout r, int index) {
        if (index < r.ringIndex() || r.state() == RolloutState.COMPLETED
                || r.state() == RolloutState.COMPLETED_WITH_FAILURES) {
            return "done";
        }
        if (r.state().isTerminal()) {
            return "not reached";
        }
        return index == r.ringIndex() ? r.state() == RolloutState.RUNNING ? r.phase().wireName()
                : r.state().wireName() : "waiting";
    }

    static String operated(Rollout r, Operation operation, String by) {
        return "Rollout " + r.id() + ": " + operation.wireName() + " by " + by + ".\n" + status(r);
    }

    static String rollouts(List<RolloutSummary> list, boolean activeOnly) {
        if (list.isEmpty()) {
            return activeOnly ? "No active rollouts." : "No rollouts yet.";
        }
        StringBuilder s = new StringBuilder(activeOnly ? "Active rollouts, newest first:" : "Rollouts, newest first:");
        list.stream().limit(LIST_MAX).forEach(r -> s.append("\n• ").append(r.id()).append(" ").append(r.flag())
                .append(" → ").append(r.change()).append(r.upToRing() == Ring.QUARANTINE_ID ? " on quarantine cells"
                        : " up to ring " + r.upToRing()).append(" · ").append(r.state().wireName())
                .append(r.ring() != null && !r.state().isTerminal() ? " at ring " + r.ring() : "")
                .append(" · ").append(r.initiator()));
        if (list.size() > LIST_MAX) {
            s.append("\n… and more: the REST API pages through them all (GET /api/v1/rollouts)");
        }
        return s.toString();
    }

    static String incidentOpened(Incident i) {
        return "Incident " + i.id() + " opened on ring " + i.ring() + " (" + i.severity() + ") by " + i.openedBy()
                + ": " + i.title() + (i.link() == null ? "" : " " + i.link())
                + "\nGradual rollouts will not enter ring " + i.ring() + " until `incident close " + i.id() + "`.";
    }

    static String incidentClosed(Incident i) {
        return "Incident " + i.id() + " on ring " + i.ring() + " closed by " + i.closedBy() + ".";
    }

    /** {@code new_search_ui → 25% of actors, gradual up to ring 2, by alice: reason} */
    private static String what(RolloutRequest q) {
        return q.flag() + " → " + q.change().describe() + ", " + q.mode().wireName()
                + (q.cells().isEmpty() ? " up to ring " + q.upToRing() : " on " + String.join(", ", q.cells()))
                + ", by " + q.initiator() + (q.reason() == null || q.reason().isBlank() ? "" : " (" + q.reason() + ")");
    }

    private static String ringName(int id, String name) {
        return "ring " + id + " (" + name + ")";
    }

    private static String cells(int count) {
        return count + (count == 1 ? " cell" : " cells");
    }

    private static String time(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
