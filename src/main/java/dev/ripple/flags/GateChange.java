package dev.ripple.flags;

import java.math.BigDecimal;
import java.util.List;

/**
 * One change to one flag's gates, the unit a rollout pushes to every cell of a ring. Every variant checks itself on
 * construction, so an invalid change (a percentage over 100, an empty actor list) never reaches a cell.
 */
public sealed interface GateChange {

    /** The change in the words of the feature-flag log: {@code on}, {@code 25% of actors}, {@code add user alice}. */
    String describe();

    /** Fully on ({@code true}: clears every other gate) or fully off ({@code false}: removes every gate). */
    record SetBoolean(boolean enabled) implements GateChange {
        @Override
        public String describe() {
            return enabled ? "on" : "off";
        }
    }

    /** A percentage of actors or of time, 0–100 with decimals. */
    record SetPercentage(PercentageKind kind, BigDecimal percentage) implements GateChange {
        public SetPercentage {
            if (kind == null) {
                throw new InvalidGateChangeException("a percentage needs a kind: percentage_of_actors or percentage_of_time");
            }
            if (!Percentages.inRange(percentage)) {
                throw new InvalidGateChangeException("percentage must be between 0 and 100, got " + percentage);
            }
        }

        @Override
        public String describe() {
            return Percentages.format(percentage) + "% of " + (kind == PercentageKind.ACTORS ? "actors" : "time");
        }
    }

    /** Adds ({@code enable}) or removes actors of one kind. */
    record SetActors(ActorKind kind, List<String> actors, boolean enable) implements GateChange {
        public SetActors {
            if (kind == null) {
                throw new InvalidGateChangeException("an actor change needs an actor kind");
            }
            if (actors == null || actors.isEmpty() || actors.stream().anyMatch(a -> a == null || a.isBlank())) {
                throw new InvalidGateChangeException("an actor change needs at least one non-empty " + kind.wireName());
            }
            if (actors.stream().anyMatch(a -> a.contains(","))) {
                throw new InvalidGateChangeException("actor names cannot contain ',': give them as a list");
            }
            actors = List.copyOf(actors);
        }

        @Override
        public String describe() {
            return (enable ? "add " : "remove ") + kind.wireName().replace('_', ' ') + " " + String.join(", ", actors);
        }
    }

    enum PercentageKind {
        ACTORS("percentage_of_actors"), TIME("percentage_of_time");

        private final String gateKey;

        PercentageKind(String gateKey) {
            this.gateKey = gateKey;
        }

        public String gateKey() {
            return gateKey;
        }
    }
}
