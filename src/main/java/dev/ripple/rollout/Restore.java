package dev.ripple.rollout;

import dev.ripple.flags.ActorKind;
import dev.ripple.flags.GateChange;
import dev.ripple.flags.Gates;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The changes that take a cell's flag from its current gates back to a snapshot, fewest first: a percentage rolled
 * forward goes back with one call, and only a gate that cannot be removed on its own (a percentage the snapshot did
 * not have) costs a switch-off and rebuild. Opt-outs cannot be written through the gate API and are reported.
 */
final class Restore {
    private Restore() {
    }

    record Steps(List<FlagChange> changes, List<String> unrestorable) {
    }

    static Steps between(Optional<Gates> current, Optional<Gates> snapshot) {
        List<FlagChange> changes = new ArrayList<>();
        List<String> unrestorable = new ArrayList<>();
        if (current.equals(snapshot)) {
            return new Steps(changes, unrestorable);
        }
        if (snapshot.isEmpty()) {
            changes.add(new FlagChange.Delete());
            return new Steps(changes, unrestorable);
        }
        Gates target = snapshot.get();
        if (target.enabled()) {
            changes.add(gate(new GateChange.SetBoolean(true)));
            return new Steps(changes, unrestorable);
        }
        Gates base = current.orElse(Gates.OFF);
        boolean dropsPercentage = (base.percentageOfActors() != null && target.percentageOfActors() == null)
                || (base.percentageOfTime() != null && target.percentageOfTime() == null);
        if (base.enabled() || dropsPercentage || current.isEmpty()) {
            changes.add(gate(new GateChange.SetBoolean(false)));
            base = Gates.OFF;
        }
        if (target.percentageOfActors() != null && !target.percentageOfActors().equals(base.percentageOfActors())) {
            changes.add(gate(new GateChange.SetPercentage(GateChange.PercentageKind.ACTORS,
                    target.percentageOfActors())));
        }
        if (target.percentageOfTime() != null && !target.percentageOfTime().equals(base.percentageOfTime())) {
            changes.add(gate(new GateChange.SetPercentage(GateChange.PercentageKind.TIME,
                    target.percentageOfTime())));
        }
        actorChanges(base.actors(), target.actors(), false, changes, unrestorable);
        actorChanges(base.groups(), target.groups(), true, changes, unrestorable);
        return new Steps(changes, unrestorable);
    }

    private static void actorChanges(SortedSet<String> from, SortedSet<String> to, boolean groups,
                                     List<FlagChange> changes, List<String> unrestorable) {
        Map<ActorKind, List<String>> remove = new LinkedHashMap<>();
        Map<ActorKind, List<String>> add = new LinkedHashMap<>();
        TreeSet<String> removed = new TreeSet<>(from);
        removed.removeAll(to);
        TreeSet<String> added = new TreeSet<>(to);
        added.removeAll(from);
        for (String id : removed) {
            classify(id, groups, remove, unrestorable);
        }
        for (String id : added) {
            classify(id, groups, add, unrestorable);
        }
        remove.forEach((kind, names) -> changes.add(gate(new GateChange.SetActors(kind, names, false))));
        add.forEach((kind, names) -> changes.add(gate(new GateChange.SetActors(kind, names, true))));
    }

    private static void classify(String id, boolean groups, Map<ActorKind, List<String>> into,
                                 List<String> unrestorable) {
        if (groups) {
            into.computeIfAbsent(ActorKind.FEATURE_GROUP, k -> new ArrayList<>()).add(id);
            return;
        }
        if (id.endsWith(":opt_out")) {
            unrestorable.add(id);
            return;
        }
        Optional<ActorKind> kind = Arrays.stream(ActorKind.values())
                .filter(k -> k.flipperPrefix() != null && id.startsWith(k.flipperPrefix() + ":"))
                .max(java.util.Comparator.comparingInt(k -> k.flipperPrefix().length()));
        if (kind.isEmpty()) {
            unrestorable.add(id);
            return;
        }
        into.computeIfAbsent(kind.get(), k -> new ArrayList<>()).add(id.substring(kind.get().flipperPrefix().length() + 1));
    }

    private static FlagChange gate(GateChange change) {
        return new FlagChange.Gate(change);
    }
}
