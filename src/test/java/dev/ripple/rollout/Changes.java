package dev.ripple.rollout;

import dev.ripple.flags.ActorKind;
import dev.ripple.flags.GateChange;
import dev.ripple.flags.Gates;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/** Short names for gates and changes in tests. */
final class Changes {
    static final Gates ON = Gates.OFF.withEnabled(true);
    static final Optional<Gates> ABSENT = Optional.empty();

    private Changes() {
    }

    /** 25% of actors, user alice and feature group beta. */
    static Gates mixed() {
        return pctActors(25).withActors(set("User:alice")).withGroups(set("beta"));
    }

    static Gates pctActors(double percent) {
        return Gates.OFF.withPercentageOfActors(BigDecimal.valueOf(percent));
    }

    static Gates pctTime(double percent) {
        return Gates.OFF.withPercentageOfTime(BigDecimal.valueOf(percent));
    }

    static TreeSet<String> set(String... ids) {
        return new TreeSet<>(List.of(ids));
    }

    static FlagChange on() {
        return gate(new GateChange.SetBoolean(true));
    }

    static FlagChange off() {
        return gate(new GateChange.SetBoolean(false));
    }

    static FlagChange actors(double percent) {
        return gate(new GateChange.SetPercentage(GateChange.PercentageKind.ACTORS, BigDecimal.valueOf(percent)));
    }

    static FlagChange time(double percent) {
        return gate(new GateChange.SetPercentage(GateChange.PercentageKind.TIME, BigDecimal.valueOf(percent)));
    }

    static FlagChange users(boolean add, String... names) {
        return actorsOf(ActorKind.USER, add, names);
    }

    static FlagChange actorsOf(ActorKind kind, boolean add, String... names) {
        return gate(new GateChange.SetActors(kind, List.of(names), add));
    }

    static FlagChange delete() {
        return new FlagChange.Delete();
    }

    private static FlagChange gate(GateChange change) {
        return new FlagChange.Gate(change);
    }
}
