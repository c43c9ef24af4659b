package dev.ripple.flags;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The gates of one flag in one cell, as the cell reports them. Value object: two cells agree on a flag when their
 * {@code Gates} are equal. Percentages are kept normalised (no trailing zeros) so {@code 25} equals {@code 25.0}.
 */
public record Gates(boolean enabled,
                    BigDecimal percentageOfActors,
                    BigDecimal percentageOfTime,
                    SortedSet<String> actors,
                    SortedSet<String> groups) {

    public static final Gates OFF = new Gates(false, null, null, null, null);
    public static final Gates ON = new Gates(true, null, null, null, null);

    public Gates {
        percentageOfActors = normalize(percentageOfActors);
        percentageOfTime = normalize(percentageOfTime);
        actors = frozen(actors);
        groups = frozen(groups);
    }

    /** An unmodifiable copy; no sets are made for the empty ones, which most flags in a cell have. */
    private static SortedSet<String> frozen(SortedSet<String> values) {
        return values == null || values.isEmpty() ? Collections.emptySortedSet()
                : Collections.unmodifiableSortedSet(new TreeSet<>(values));
    }

    private static BigDecimal normalize(BigDecimal p) {
        return p == null || p.signum() == 0 ? null : Percentages.normalize(p);
    }

    public FlagState state() {
        if (enabled || (percentageOfTime != null && percentageOfTime.compareTo(Percentages.HUNDRED) == 0)) {
            return FlagState.ON;
        }
        if (percentageOfActors != null || percentageOfTime != null || !actors.isEmpty() || !groups.isEmpty()) {
            return FlagState.CONDITIONAL;
        }
        return FlagState.OFF;
    }

    public Gates withEnabled(boolean on) {
        return new Gates(on, percentageOfActors, percentageOfTime, actors, groups);
    }

    public Gates withPercentageOfActors(BigDecimal p) {
        return new Gates(enabled, p, percentageOfTime, actors, groups);
    }

    public Gates withPercentageOfTime(BigDecimal p) {
        return new Gates(enabled, percentageOfActors, p, actors, groups);
    }

    public Gates withActors(SortedSet<String> newActors) {
        return new Gates(enabled, percentageOfActors, percentageOfTime, newActors, groups);
    }

    public Gates withGroups(SortedSet<String> newGroups) {
        return new Gates(enabled, percentageOfActors, percentageOfTime, actors, newGroups);
    }

    /**
     * How an engineer would say it: {@code on}, {@code off}, {@code 25% of actors}, {@code 10% of time + 2 actors}.
     */
    public String describe() {
        if (enabled) {
            return "on";
        }
        List<String> parts = new ArrayList<>();
        if (percentageOfActors != null) {
            parts.add(percentageOfActors.toPlainString() + "% of actors");
        }
        if (percentageOfTime != null) {
            parts.add(percentageOfTime.toPlainString() + "% of time");
        }
        if (!actors.isEmpty()) {
            parts.add(actors.size() == 1 ? "actor " + actors.first() : actors.size() + " actors");
        }
        if (!groups.isEmpty()) {
            parts.add(groups.size() == 1 ? "feature group " + groups.first() : groups.size() + " feature groups");
        }
        return parts.isEmpty() ? "off" : String.join(" + ", parts);
    }

    /** As {@link #describe()}, or {@code absent} when the cell does not have the flag. */
    public static String describe(java.util.Optional<Gates> gates) {
        return gates.map(Gates::describe).orElse("absent");
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Gates g)) {
            return false;
        }
        return enabled == g.enabled && Percentages.same(percentageOfActors, g.percentageOfActors)
                && Percentages.same(percentageOfTime, g.percentageOfTime)
                && actors.equals(g.actors) && groups.equals(g.groups);
    }

    @Override
    public int hashCode() {
        return Objects.hash(enabled, percentageOfActors, percentageOfTime, actors, groups);
    }
}
