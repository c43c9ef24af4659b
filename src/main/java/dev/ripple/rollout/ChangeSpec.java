package dev.ripple.rollout;

import dev.ripple.flags.ActorKind;
import dev.ripple.flags.GateChange;
import dev.ripple.flags.InvalidGateChangeException;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A change as bots write it and as it is stored: {@code {"type":"percentage-of-actors","percentage":25}},
 * {@code {"type":"add-actors","actorKind":"user","actors":["alice"]}}, {@code {"type":"on"}}, {@code {"type":"delete"}}.
 */
public record ChangeSpec(String type, BigDecimal percentage, String actorKind, List<String> actors) {

    public static final List<String> TYPES = List.of("on", "off", "percentage-of-actors", "percentage-of-time",
            "add-actors", "remove-actors", "delete");

    /** @throws RolloutRejected {@code invalid-change} or {@code contradictory-options}, with the reason */
    public FlagChange toChange() {
        if (type == null) {
            throw new RolloutRejected("invalid-change", "change.type is missing; one of " + TYPES);
        }
        boolean percentageType = type.startsWith("percentage-");
        boolean actorType = type.endsWith("-actors") && !percentageType;
        if (!percentageType && percentage != null) {
            throw new RolloutRejected("contradictory-options", "change.percentage only goes with a percentage-of-"
                    + " type, not '" + type + "'");
        }
        if (!actorType && (actorKind != null || (actors != null && !actors.isEmpty()))) {
            throw new RolloutRejected("contradictory-options", "change.actorKind and change.actors only go with"
                    + " add-actors or remove-actors, not '" + type + "'");
        }
        try {
            switch (type) {
                case "on":
                    return new FlagChange.Gate(new GateChange.SetBoolean(true));
                case "off":
                    return new FlagChange.Gate(new GateChange.SetBoolean(false));
                case "delete":
                    return new FlagChange.Delete();
                case "percentage-of-actors":
                case "percentage-of-time":
                    if (percentage == null) {
                        throw new RolloutRejected("invalid-change", "change.percentage is missing (0-100)");
                    }
                    return new FlagChange.Gate(new GateChange.SetPercentage(type.endsWith("actors")
                            ? GateChange.PercentageKind.ACTORS : GateChange.PercentageKind.TIME, percentage));
                case "add-actors":
                case "remove-actors":
                    ActorKind kind = ActorKind.fromWireName(actorKind).orElseThrow(() -> new RolloutRejected(
                            "invalid-change", "change.actorKind must be one of " + Arrays.stream(ActorKind.values())
                            .map(ActorKind::wireName).collect(Collectors.joining(", ")) + ", got " + actorKind));
                    return new FlagChange.Gate(new GateChange.SetActors(kind, actors == null ? List.of() : actors,
                            type.startsWith("add")));
                default:
                    throw new RolloutRejected("invalid-change", "change.type '" + type + "' is not one of " + TYPES);
            }
        } catch (InvalidGateChangeException e) {
            throw new RolloutRejected("invalid-change", e.getMessage());
        }
    }

    public static ChangeSpec of(FlagChange change) {
        if (change instanceof FlagChange.Delete) {
            return new ChangeSpec("delete", null, null, null);
        }
        GateChange gate = ((FlagChange.Gate) change).change();
        if (gate instanceof GateChange.SetBoolean b) {
            return new ChangeSpec(b.enabled() ? "on" : "off", null, null, null);
        }
        if (gate instanceof GateChange.SetPercentage p) {
            return new ChangeSpec(p.kind() == GateChange.PercentageKind.ACTORS ? "percentage-of-actors"
                    : "percentage-of-time", p.percentage(), null, null);
        }
        GateChange.SetActors a = (GateChange.SetActors) gate;
        return new ChangeSpec(a.enable() ? "add-actors" : "remove-actors", null, a.kind().wireName(), a.actors());
    }
}
