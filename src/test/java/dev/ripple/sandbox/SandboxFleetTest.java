package dev.ripple.sandbox;

import dev.ripple.flags.FlagDefinition;
import dev.ripple.flags.FlagType;
import dev.ripple.flags.Gates;
import dev.ripple.health.RolloutPolicy;
import dev.ripple.topology.Cell;
import dev.ripple.topology.CredentialRef;
import dev.ripple.topology.Ring;
import dev.ripple.topology.RingPolicy;
import dev.ripple.topology.Topology;
import dev.ripple.topology.TopologyChanged;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The fleet follows the topology: a sandbox cell for every {@code sandbox://} cell, seeded ring by ring. */
class SandboxFleetTest {
    private static final RingPolicy NORMAL = new RingPolicy(false, false, RolloutPolicy.NONE);

    private final Topology topology = new Topology(List.of(
            new Ring(-1, "quarantine", new RingPolicy(false, true, RolloutPolicy.NONE), List.of(cell("q-1", -1, "sandbox://q-1"))),
            new Ring(0, "qa", NORMAL, List.of(cell("qa-1", 0, "sandbox://qa-1"))),
            new Ring(1, "early", NORMAL, List.of(cell("c-1", 1, "sandbox://c-1"), cell("legacy", 1, "https://gitlab.example.com"))),
            new Ring(2, "rest", NORMAL, List.of(cell("c-2", 2, "sandbox:c-2")))),
            Map.of(), Map.of("new_search_ui", new FlagDefinition("new_search_ui", "search-team", FlagType.DERISK,
                    "New search UI", "group::global search", false,
                    Map.of("rollout-issue", URI.create("https://gitlab.example.com/issues/1")), RolloutPolicy.NONE)),
            "v1");

    @Test
    void createsASeededCellForEverySandboxCell() {
        // Given
        SandboxFleet fleet = new SandboxFleet(Clock.systemUTC(), new Random(1), true);

        // When
        fleet.onTopologyChanged(new TopologyChanged(null, topology));

        // Then
        assertThat(fleet.cells()).extracting(SandboxCell::id).containsExactly("c-1", "c-2", "q-1", "qa-1");
        assertThat(fleet.cell("qa-1").orElseThrow().flags()).containsEntry("new_search_ui", Gates.OFF.withEnabled(true));
        assertThat(fleet.cell("c-1").orElseThrow().flags())
                .containsEntry("new_search_ui", Gates.OFF.withPercentageOfActors(BigDecimal.valueOf(50)));
        assertThat(fleet.cell("c-2").orElseThrow().flags()).containsEntry("new_search_ui", Gates.OFF);
        assertThat(fleet.cell("q-1").orElseThrow().flags()).isEmpty();
        assertThat(fleet.cell("qa-1").orElseThrow().definition("new_search_ui")).isPresent();
    }

    @Test
    void seedsNothingWhenAskedNotTo() {
        // Given
        SandboxFleet fleet = new SandboxFleet(Clock.systemUTC(), new Random(1), false);

        // When
        fleet.onTopologyChanged(new TopologyChanged(null, topology));

        // Then
        assertThat(fleet.cells()).hasSize(4).allSatisfy(c -> assertThat(c.flags()).isEmpty());
    }

    @Test
    void aReloadLeavesExistingCellsAlone() {
        // Given
        SandboxFleet fleet = new SandboxFleet(Clock.systemUTC(), new Random(1), true);
        fleet.onTopologyChanged(new TopologyChanged(null, topology));
        fleet.cell("qa-1").orElseThrow().putFlag("new_search_ui", Gates.OFF);

        // When
        fleet.onTopologyChanged(new TopologyChanged(topology, topology));

        // Then
        assertThat(fleet.cell("qa-1").orElseThrow().flags()).containsEntry("new_search_ui", Gates.OFF);
    }

    @Test
    void resetRecreatesTheTopologysCellsAsSeeded() {
        // Given
        SandboxFleet fleet = new SandboxFleet(Clock.systemUTC(), new Random(1), true);
        fleet.onTopologyChanged(new TopologyChanged(null, topology));
        fleet.create("extra");
        fleet.cell("qa-1").orElseThrow().putFlag("new_search_ui", Gates.OFF);

        // When
        fleet.reset();

        // Then
        assertThat(fleet.cell("extra")).isEmpty();
        assertThat(fleet.cell("qa-1").orElseThrow().flags()).containsEntry("new_search_ui", Gates.OFF.withEnabled(true));
    }

    private static Cell cell(String id, int ring, String url) {
        return new Cell(id, ring, "gitlab", URI.create(url), new CredentialRef(CredentialRef.Source.ENV, "TOKEN"), Map.of());
    }
}
