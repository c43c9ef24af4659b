package dev.ripple.rollout;

import dev.ripple.flags.Gates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static dev.ripple.rollout.Changes.ABSENT;
import static dev.ripple.rollout.Changes.ON;
import static dev.ripple.rollout.Changes.mixed;
import static dev.ripple.rollout.Changes.pctActors;
import static dev.ripple.rollout.Changes.pctTime;
import static dev.ripple.rollout.Changes.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The fewest gate calls that take a cell back to its snapshot, and what cannot be written back. */
class RestoreTest {

    static Stream<Arguments> restores() {
        Gates alice = Gates.OFF.withActors(set("User:alice"));
        return Stream.of(
                row("a cell at its snapshot needs nothing", mixed(), mixed()),
                row("an absent snapshot deletes the flag", ON, ABSENT, "delete"),
                row("a fully-on snapshot is one switch-on", pctActors(50), ON, "on"),
                row("a percentage rolled forward goes back in one call", pctActors(50), pctActors(10),
                        "10% of actors"),
                row("a percentage of time goes back without touching the actors", pctTime(50).withActors(set(
                        "User:alice")), pctTime(10).withActors(set("User:alice")), "10% of time"),
                row("a percentage the snapshot did not have costs a switch-off and rebuild",
                        pctActors(25).withActors(set("User:alice")), alice, "off", "add user alice"),
                row("a fully-on cell goes off before its gates are rebuilt", ON, mixed(), "off", "25% of actors",
                        "add user alice", "add feature group beta"),
                row("a cell switched on from off goes back off", ON, Gates.OFF, "off"),
                row("a missing flag is created off before it is rebuilt", ABSENT, pctTime(10), "off",
                        "10% of time"),
                row("an added actor is removed without touching the percentage",
                        pctActors(25).withActors(set("User:alice", "User:bob")), pctActors(25).withActors(set(
                                "User:alice")), "remove user bob"),
                row("actors are removed and added with one call per kind",
                        Gates.OFF.withActors(set("User:a", "User:b", "Project:1")),
                        Gates.OFF.withActors(set("User:b", "User:c", "Group:9")),
                        "remove project 1", "remove user a", "add group 9", "add user c"),
                row("feature groups are restored through their own gate",
                        Gates.OFF.withGroups(set("beta", "gamma")), Gates.OFF.withGroups(set("alpha", "beta")),
                        "remove feature group gamma", "add feature group alpha"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("restores")
    void theFewestCallsTakeACellBackToItsSnapshot(String behaviour, Optional<Gates> current, Optional<Gates> snapshot,
                                                 List<String> calls) {
        // Given a cell holding `current` whose snapshot is `snapshot`

        // When
        Restore.Steps steps = Restore.between(current, snapshot);

        // Then
        assertThat(steps.changes()).extracting(FlagChange::describe).containsExactlyElementsOf(calls);
        assertThat(steps.unrestorable()).isEmpty();
        assertThat(replay(current, steps)).as("the calls land on the snapshot").isEqualTo(snapshot);
    }

    @Test
    void optOutsCannotBeWrittenBackAndAreReportedRatherThanGuessed() {
        // Given a snapshot with an opt-out, which the gate API cannot write
        Optional<Gates> snapshot = Optional.of(Gates.OFF.withActors(set("User:alice:opt_out", "User:bob")));

        // When
        Restore.Steps steps = Restore.between(Optional.of(ON), snapshot);

        // Then
        assertThat(steps.changes()).extracting(FlagChange::describe).containsExactly("off", "add user bob");
        assertThat(steps.unrestorable()).containsExactly("User:alice:opt_out");
    }

    @Test
    void actorsOfAKindRippleDoesNotKnowAreReportedUnrestorable() {
        // Given
        Optional<Gates> snapshot = Optional.of(Gates.OFF.withActors(set("Ci::Runner:3", "Project:7")));

        // When
        Restore.Steps steps = Restore.between(Optional.of(Gates.OFF), snapshot);

        // Then
        assertThat(steps.changes()).extracting(FlagChange::describe).containsExactly("add project 7");
        assertThat(steps.unrestorable()).containsExactly("Ci::Runner:3");
    }

    private static Optional<Gates> replay(Optional<Gates> current, Restore.Steps steps) {
        Optional<Gates> gates = current;
        for (FlagChange change : steps.changes()) {
            gates = change.applyTo(gates);
        }
        return gates;
    }

    private static Arguments row(String behaviour, Gates current, Gates snapshot, String... calls) {
        return row(behaviour, Optional.of(current), Optional.of(snapshot), calls);
    }

    private static Arguments row(String behaviour, Gates current, Optional<Gates> snapshot, String... calls) {
        return row(behaviour, Optional.of(current), snapshot, calls);
    }

    private static Arguments row(String behaviour, Optional<Gates> current, Gates snapshot, String... calls) {
        return row(behaviour, current, Optional.of(snapshot), calls);
    }

    private static Arguments row(String behaviour, Optional<Gates> current, Optional<Gates> snapshot,
                                 String... calls) {
        return arguments(behaviour, current, snapshot, List.of(calls));
    }
}
