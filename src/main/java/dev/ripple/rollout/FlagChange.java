package dev.ripple.rollout;

import dev.ripple.flags.ActorKind;
import dev.ripple.flags.GateChange;
import dev.ripple.flags.Gates;
import dev.ripple.flags.Percentages;

import java.util.Optional;
import java.util.TreeSet;

/**
 * What a rollout does to one flag on every cell it reaches: a gate change, or deleting the flag. Knows what a cell's
 * gates become ({@link #applyTo}) so a dry run can show it, and whether a read-back shows the change held
 * ({@link #heldIn}) so the engine never reports as applied what a cell does not hold.
 */
public sealed interface FlagChange {

    String describe();

    /** The gates after the change, from the gates before; empty means the cell no longer has the flag. */
    Optional<Gates> applyTo(Optional<Gates> before);

    /** Whether {@code observed} (empty: the cell does not have the flag) shows this change in place. */
    boolean heldIn(Optional<Gates> observed);

    /** Actor changes must reach every ring: an actor behaves the same whichever cell it lives on. */
    default boolean isActorChange() {
        return false;
    }

    record Gate(GateChange change) implements FlagChange {
        @Override
        public String describe() {
            return change.describe();
        }

        @Override
        public boolean isActorChange() {
            return change instanceof GateChange.SetActors;
        }

        @Override
        public Optional<Gates> applyTo(Optional<Gates> before) {
            Gates gates = before.orElse(Gates.OFF);
            if (change instanceof GateChange.SetBoolean b) {
                return Optional.of(b.enabled() ? Gates.OFF.withEnabled(true) : Gates.OFF);
            }
            if (change instanceof GateChange.SetPercentage p) {
                if (p.percentage().compareTo(Percentages.HUNDRED) == 0) {
                    return Optional.of(Gates.OFF.withEnabled(true));
                }
                if (p.percentage().signum() == 0) {
                    return Optional.of(Gates.OFF);
                }
                // The adapter switches a fully-on flag off before setting a percentage, as GitLab requires.
                Gates base = gates.enabled() ? Gates.OFF : gates;
                return Optional.of(p.kind() == GateChange.PercentageKind.ACTORS
                        ? base.withPercentageOfActors(p.percentage()) : base.withPercentageOfTime(p.percentage()));
            }
            GateChange.SetActors a = (GateChange.SetActors) change;
            if (a.kind() == ActorKind.FEATURE_GROUP) {
                TreeSet<String> groups = new TreeSet<>(gates.groups());
                a.actors().forEach(name -> {
                    if (a.enable()) {
                        groups.add(name);
                    } else {
                        groups.remove(name);
                    }
                });
                return Optional.of(gates.withGroups(groups));
            }
            TreeSet<String> actors = new TreeSet<>(gates.actors());
            a.actors().forEach(name -> {
                String id = a.kind().flipperPrefix() + ":" + name;
                if (a.enable()) {
                    actors.add(id);
                } else {
                    actors.remove(id);
                }
            });
            return Optional.of(gates.withActors(actors));
        }

        @Override
        public boolean heldIn(Optional<Gates> observed) {
            Gates gates = observed.orElse(Gates.OFF);
            if (change instanceof GateChange.SetBoolean b) {
                return b.enabled() ? gates.enabled() : gates.equals(Gates.OFF);
            }
            if (change instanceof GateChange.SetPercentage p) {
                return applyTo(Optional.of(gates)).equals(Optional.of(gates));
            }
            GateChange.SetActors a = (GateChange.SetActors) change;
            if (a.enable() && gates.enabled()) {
                return true;
            }
            return a.actors().stream().allMatch(name -> {
                boolean present = a.kind() == ActorKind.FEATURE_GROUP ? gates.groups().contains(name)
                        : gates.actors().contains(a.kind().flipperPrefix() + ":" + name);
                return present == a.enable();
            });
        }
    }

    record Delete() implements FlagChange {
        @Override
        public String describe() {
            return "delete";
        }

        @Override
        public Optional<Gates> applyTo(Optional<Gates> before) {
            return Optional.empty();
        }

        @Override
        public boolean heldIn(Optional<Gates> observed) {
            return observed.isEmpty();
        }
    }
}
