package dev.ripple.rollout;

import dev.ripple.flags.ActorKind;
import dev.ripple.flags.Gates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static dev.ripple.rollout.Changes.ABSENT;
import static dev.ripple.rollout.Changes.ON;
import static dev.ripple.rollout.Changes.actors;
import static dev.ripple.rollout.Changes.actorsOf;
import static dev.ripple.rollout.Changes.delete;
import static dev.ripple.rollout.Changes.mixed;
import static dev.ripple.rollout.Changes.off;
import static dev.ripple.rollout.Changes.on;
import static dev.ripple.rollout.Changes.pctActors;
import static dev.ripple.rollout.Changes.set;
import static dev.ripple.rollout.Changes.time;
import static dev.ripple.rollout.Changes.users;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** What each kind of change makes of a cell's gates, and which read-backs show it in place. */
class FlagChangeTest {
    static Stream<Arguments> changes() {
        return Stream.of(
                row("on creates a missing flag fully on", on(), ABSENT, ON),
                row("on clears every other gate", on(), Optional.of(mixed()), ON),
                row("off removes every gate and keeps the flag", off(), Optional.of(mixed()), Gates.OFF),
                row("off creates a missing flag off", off(), ABSENT, Gates.OFF),
                row("a percentage of actors on a missing flag", actors(25), ABSENT, pctActors(25)),
                row("a percentage on a fully-on flag switches it off first", actors(25), Optional.of(ON),
                        pctActors(25)),
                row("a percentage leaves the other gates alone", time(10), Optional.of(mixed()),
                        mixed().withPercentageOfTime(BigDecimal.TEN)),
                row("a percentage replaces the same kind of percentage", actors(50), Optional.of(pctActors(25)),
                        pctActors(50)),
                row("100% is fully on", actors(100), Optional.of(mixed()), ON),
                row("0% is off", time(0), Optional.of(mixed()), Gates.OFF),
                row("adding users keeps what was there", users(true, "bob", "carol"), Optional.of(mixed()),
                        mixed().withActors(set("User:alice", "User:bob", "User:carol"))),
                row("removing a user removes only that user", users(false, "alice"),
                        Optional.of(Gates.OFF.withActors(set("User:alice", "User:bob"))),
                        Gates.OFF.withActors(set("User:bob"))),
                row("projects carry GitLab's actor prefix", actorsOf(ActorKind.PROJECT, true, "7"), ABSENT,
                        Gates.OFF.withActors(set("Project:7"))),
                row("namespaces carry GitLab's actor prefix", actorsOf(ActorKind.NAMESPACE, true, "ns"), ABSENT,
                        Gates.OFF.withActors(set("Namespaces::UserNamespace:ns"))),
                row("feature groups live in their own gate", actorsOf(ActorKind.FEATURE_GROUP, true, "gamma"),
                        Optional.of(mixed()), mixed().withGroups(set("beta", "gamma"))),
                row("removing a feature group", actorsOf(ActorKind.FEATURE_GROUP, false, "beta"),
                        Optional.of(mixed()), mixed().withGroups(set())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void eachChangeTurnsTheGatesBeforeIntoTheGatesAfterAndHoldsInThem(String behaviour, FlagChange change,
                                                                     Optional<Gates> before, Optional<Gates> after) {
        // Given a cell holding `before`

        // When
        Optional<Gates> result = change.applyTo(before);

        // Then
        assertThat(result).isEqualTo(after);
        assertThat(change.heldIn(result)).as("the gates it leads to show the change").isTrue();
    }

    static Stream<Arguments> readBacks() {
        return Stream.of(
                arguments("on is held by a fully-on flag", on(), Optional.of(ON), true),
                arguments("on is not held by a flag still off", on(), Optional.of(Gates.OFF), false),
                arguments("on is not held by a missing flag", on(), ABSENT, false),
                arguments("off is held by a flag with no gates", off(), Optional.of(Gates.OFF), true),
                arguments("off is held by a missing flag", off(), ABSENT, true),
                arguments("off is not held while a percentage is left", off(), Optional.of(pctActors(10)), false),
                arguments("a percentage is held beside other gates", actors(25), Optional.of(mixed()), true),
                arguments("a percentage is not held by another percentage", actors(25), Optional.of(pctActors(10)),
                        false),
                arguments("a percentage is not held by a fully-on flag", actors(25), Optional.of(ON), false),
                arguments("100% is held by a fully-on flag", actors(100), Optional.of(ON), true),
                arguments("an added user is held once listed", users(true, "alice"), Optional.of(mixed()), true),
                arguments("an added user is not held while missing", users(true, "bob"), Optional.of(mixed()), false),
                arguments("an added user is held by a fully-on flag", users(true, "bob"), Optional.of(ON), true),
                arguments("a removed user is held once gone", users(false, "bob"), Optional.of(mixed()), true),
                arguments("a removed user is not held while listed", users(false, "alice"), Optional.of(mixed()),
                        false),
                arguments("a feature group is looked for among groups, not actors",
                        actorsOf(ActorKind.FEATURE_GROUP, true, "alice"),
                        Optional.of(Gates.OFF.withActors(set("alice"))), false),
                arguments("delete is held by a missing flag", delete(), ABSENT, true),
                arguments("delete is not held by a flag that is off", delete(),
                        Optional.of(Gates.OFF), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readBacks")
    void aReadBackShowsTheChangeOnlyWhenTheCellReallyHoldsIt(String behaviour, FlagChange change,
                                                            Optional<Gates> observed, boolean held) {
        // Given a read-back of `observed`

        // When
        boolean result = change.heldIn(observed);

        // Then
        assertThat(result).isEqualTo(held);
    }

    @Test
    void deletingRemovesTheFlagWhateverItHeld() {
        // Given
        FlagChange delete = delete();

        // When
        Optional<Gates> after = delete.applyTo(Optional.of(mixed()));

        // Then
        assertThat(after).isEmpty();
        assertThat(delete.describe()).isEqualTo("delete");
    }

    @Test
    void onlyActorChangesCountAsActorChanges() {
        // Given
        List<FlagChange> changes = List.of(on(), off(), actors(25), delete(), users(true, "alice"),
                actorsOf(ActorKind.FEATURE_GROUP, false, "beta"));

        // When
        List<Boolean> actorChange = changes.stream().map(FlagChange::isActorChange).toList();

        // Then
        assertThat(actorChange).containsExactly(false, false, false, false, true, true);
    }

    private static Arguments row(String behaviour, FlagChange change, Optional<Gates> before, Gates after) {
        return arguments(behaviour, change, before, Optional.of(after));
    }
}
