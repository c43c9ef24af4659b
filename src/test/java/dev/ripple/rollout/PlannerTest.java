package dev.ripple.rollout;

import dev.ripple.flags.FlagDefinition;
import dev.ripple.flags.FlagType;
import dev.ripple.health.CheckRule;
import dev.ripple.health.RolloutPolicy;
import dev.ripple.topology.Cell;
import dev.ripple.topology.CredentialRef;
import dev.ripple.topology.Ring;
import dev.ripple.topology.RingPolicy;
import dev.ripple.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static dev.ripple.rollout.Changes.on;
import static dev.ripple.rollout.Changes.users;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Which rings a request visits, or why it is refused. Rings: quarantine (q-1, q-2), 0 "canary" marked skip-gradual
 * (c0-1), 1 (c1-1, c1-2), 2 with no cells, 3 (c3-1). Rings default to a 30 min bake and errors halt 0.02 / rollback
 * 0.05; the flag bakes 1 h, tightens errors to 0.01 and adds latency.
 */
class PlannerTest {
    static final String FLAG = "new_search_ui";
    static final CheckRule RING_ERRORS = new CheckRule("errors", 0.02, Optional.of(0.05));
    static final CheckRule FLAG_ERRORS = new CheckRule("errors", 0.01, Optional.of(0.03));
    static final CheckRule FLAG_LATENCY = new CheckRule("latency", 0.5, Optional.empty());
    static final Topology TOPOLOGY = topology();

    @Test
    void aGradualRolloutVisitsItsRingsInOrderPassingOverSkipGradualEmptyAndQuarantineRings() {
        // Given
        RolloutRequest request = rings(on(), 3, Mode.GRADUAL);

        // When
        List<PlannedRing> plan = Planner.plan(TOPOLOGY, request);

        // Then
        assertThat(plan).extracting(PlannedRing::ring).containsExactly(1, 3);
        assertThat(plan.get(0).cells()).containsExactly("c1-1", "c1-2");
    }

    @Test
    void anImmediateRolloutAlsoReachesSkipGradualRingsWithoutBakingOrChecking() {
        // Given
        RolloutRequest request = rings(on(), 3, Mode.IMMEDIATE);

        // When
        List<PlannedRing> plan = Planner.plan(TOPOLOGY, request);

        // Then
        assertThat(plan).extracting(PlannedRing::ring).containsExactly(0, 1, 3);
        assertThat(plan).allSatisfy(ring -> {
            assertThat(ring.bake()).isZero();
            assertThat(ring.checks()).isEmpty();
        });
    }

    @Test
    void aRolloutGoesNoFurtherThanItsTargetRing() {
        // Given
        RolloutRequest request = rings(on(), 1, Mode.IMMEDIATE);

        // When
        List<PlannedRing> plan = Planner.plan(TOPOLOGY, request);

        // Then
        assertThat(plan).extracting(PlannedRing::ring).containsExactly(0, 1);
    }

    @Test
    void theFlagsBakeTimeAndThresholdsOverrideTheRingsDefaults() {
        // Given
        RolloutRequest request = rings(on(), 3, Mode.GRADUAL);

        // When
        PlannedRing ring = Planner.plan(TOPOLOGY, request).get(0);

        // Then
        assertThat(ring.bake()).isEqualTo(Duration.ofHours(1));
        assertThat(ring.checks()).containsExactly(FLAG_ERRORS, FLAG_LATENCY);
    }

    @Test
    void aFlagWithoutAPolicyOfItsOwnTakesTheRingsDefaults() {
        // Given
        RolloutRequest request = new RolloutRequest("plain_flag", on(), 3, Mode.GRADUAL, List.of(), "alice", "r",
                null, null);

        // When
        PlannedRing ring = Planner.plan(TOPOLOGY, request).get(0);

        // Then
        assertThat(ring.bake()).isEqualTo(Duration.ofMinutes(30));
        assertThat(ring.checks()).containsExactly(RING_ERRORS);
    }

    @Test
    void quarantineCellsCanBeTargetedOneByOne() {
        // Given
        RolloutRequest request = cells("q-2", "q-2");

        // When
        List<PlannedRing> plan = Planner.plan(TOPOLOGY, request);

        // Then
        assertThat(plan).singleElement().satisfies(ring -> {
            assertThat(ring.ring()).isEqualTo(Ring.QUARANTINE_ID);
            assertThat(ring.cells()).containsExactly("q-2");
        });
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                arguments("an unknown flag definition, listing the known ones", new RolloutRequest("no_such_flag",
                        on(), 3, Mode.GRADUAL, List.of(), "alice", "r", null, null), "unknown-flag-definition",
                        "no flag 'no_such_flag' in rings/flags/; known: new_search_ui, plain_flag"),
                arguments("a ring that is not in the topology", rings(on(), 7, Mode.GRADUAL), "ring-out-of-range",
                        "choose one of [0, 1, 2, 3]"),
                arguments("the quarantine ring as a whole", rings(on(), Ring.QUARANTINE_ID, Mode.IMMEDIATE),
                        "ring-out-of-range", "is not a ring to roll out to"),
                arguments("a gradual rollout with only skip-gradual rings to visit", rings(on(), 0, Mode.GRADUAL),
                        "ring-out-of-range", "(rings marked skip-gradual are left out)"),
                arguments("cells outside quarantine, named", cells("q-1", "c1-2"), "cell-not-in-quarantine",
                        "not in quarantine: c1-2 (ring 1)."),
                arguments("an unknown cell", cells("q-9"), "unknown-cell", "no cell 'q-9'"),
                arguments("cells and a ring together", new RolloutRequest(FLAG, on(), 3, Mode.GRADUAL,
                        List.of("q-1"), "alice", "r", null, null), "contradictory-options", "not both"),
                arguments("an actor change that stops short of the outermost ring",
                        rings(users(true, "alice"), 1, Mode.GRADUAL), "actor-change-not-outermost",
                        "an actor change must reach every ring (up to ring 3)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void aRequestThatCannotBePlannedIsRefusedWithACodeAndTheReason(String behaviour, RolloutRequest request,
                                                                  String code, String reason) {
        // Given `request`

        // When
        RolloutRejected refused = catchThrowableOfType(RolloutRejected.class, () -> Planner.plan(TOPOLOGY, request));

        // Then
        assertThat(refused.code()).isEqualTo(code);
        assertThat(refused).hasMessageContaining(reason);
    }

    @Test
    void anActorChangeToTheOutermostRingIsPlanned() {
        // Given
        RolloutRequest request = rings(users(true, "alice"), 3, Mode.IMMEDIATE);

        // When
        List<PlannedRing> plan = Planner.plan(TOPOLOGY, request);

        // Then
        assertThat(plan).extracting(PlannedRing::ring).containsExactly(0, 1, 3);
    }

    private static RolloutRequest rings(FlagChange change, int upTo, Mode mode) {
        return new RolloutRequest(FLAG, change, upTo, mode, List.of(), "alice", "r", null, null);
    }

    private static RolloutRequest cells(String... ids) {
        return new RolloutRequest(FLAG, on(), Ring.QUARANTINE_ID, Mode.GRADUAL, List.of(ids), "alice", "r", null,
                null);
    }

    private static Topology topology() {
        RolloutPolicy defaults = new RolloutPolicy(Optional.of(Duration.ofMinutes(30)), List.of(RING_ERRORS));
        List<Ring> rings = List.of(
                new Ring(Ring.QUARANTINE_ID, "quarantine", new RingPolicy(false, true, defaults),
                        List.of(cell("q-1", -1), cell("q-2", -1))),
                new Ring(0, "canary", new RingPolicy(true, false, defaults), List.of(cell("c0-1", 0))),
                new Ring(1, "early", new RingPolicy(false, false, defaults), List.of(cell("c1-1", 1),
                        cell("c1-2", 1))),
                new Ring(2, "empty", new RingPolicy(false, false, defaults), List.of()),
                new Ring(3, "everyone", new RingPolicy(false, false, defaults), List.of(cell("c3-1", 3))));
        RolloutPolicy own = new RolloutPolicy(Optional.of(Duration.ofHours(1)), List.of(FLAG_ERRORS, FLAG_LATENCY));
        return new Topology(rings, Map.of(), Map.of(FLAG, flag(FLAG, own), "plain_flag",
                flag("plain_flag", RolloutPolicy.NONE)), "v1");
    }

    private static FlagDefinition flag(String name, RolloutPolicy policy) {
        return new FlagDefinition(name, "@team", FlagType.DERISK, "d", "g", false, Map.of(), policy);
    }

    private static Cell cell(String id, int ring) {
        return new Cell(id, ring, "gitlab", URI.create("sandbox://" + id), CredentialRef.parse("env:TOKEN")
                .orElseThrow(), Map.of());
    }
}
