package dev.ripple.cache;

import dev.ripple.cells.CellError;
import dev.ripple.flags.ObservedFlag;
import dev.ripple.flags.Gates;
import dev.ripple.topology.Cell;
import dev.ripple.topology.CredentialRef;
import dev.ripple.topology.Ring;
import dev.ripple.topology.RingPolicy;
import dev.ripple.topology.Topology;
import dev.ripple.health.RolloutPolicy;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class FleetFlagsTest {
    private static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");
    private static final List<String> NAMES = List.of("alpha", "beta", "gamma", "delta", "epsilon");
    private static final List<Gates> VALUES = List.of(Gates.OFF, Gates.OFF.withEnabled(true),
            Gates.OFF.withPercentageOfActors(new BigDecimal("25")), Gates.OFF.withActors(new java.util.TreeSet<>(Set.of("user:1"))));

    @Test
    void theListKeptBetweenCallsIsTheListCountedAfresh() {
        // Given a fleet of 3 rings and a list that is asked for after every change
        CellStateCache cache = new CellStateCache();
        FleetFlags kept = new FleetFlags(cache);
        Topology topology = topology("v1", 3, 4);
        Random random = new Random(20261122);

        for (int step = 0; step < 3_000; step++) {
            // When the cache changes in one of the ways a refresh or a rollout changes it
            Instant at = T0.plusSeconds(step);
            String cell = topology.cells().get(random.nextInt(topology.cells().size())).id();
            switch (random.nextInt(6)) {
                case 0, 1 -> cache.recordRead(cell, randomFlags(random), at);
                case 2, 3 -> cache.recordFlag(cell, NAMES.get(random.nextInt(NAMES.size())),
                        random.nextInt(5) == 0 ? Optional.empty()
                                : Optional.of(VALUES.get(random.nextInt(VALUES.size()))), at);
                case 4 -> cache.recordFailure(cell, new CellError(CellError.Kind.UNREACHABLE, "refused", null, 3),
                        at);
                default -> {
                    if (random.nextInt(50) == 0) {
                        topology = topology("v" + step, 2 + random.nextInt(2), 3 + random.nextInt(3));
                        cache.retainOnly(topology.cells().stream().map(Cell::id)
                                .collect(java.util.stream.Collectors.toSet()));
                    }
                }
            }

            // Then the list kept from earlier calls says what a list counted from nothing says
            assertThat(kept.list(topology, null)).as("step %d", step)
                    .isEqualTo(new FleetFlags(cache).list(topology, null));
            if (step % 7 == 0) {
                assertThat(kept.list(topology, "TA")).as("step %d, matching", step)
                        .isEqualTo(new FleetFlags(cache).list(topology, "TA"));
            }
        }
    }

    @Test
    void aFlagDeletedFromTheLastCellLeavesTheListAndAFlagSetOnOneCellJoinsIt() {
        // Given
        CellStateCache cache = new CellStateCache();
        FleetFlags flags = new FleetFlags(cache);
        Topology topology = topology("v1", 1, 2);
        cache.recordRead("c0-0", List.of(new ObservedFlag("alpha", Gates.OFF.withEnabled(true))), T0);
        cache.recordRead("c0-1", List.of(), T0);
        assertThat(flags.list(topology, null)).extracting(FleetFlags.FlagSummary::name)
                .containsExactly("alpha", "defined_flag");

        // When
        cache.recordFlag("c0-0", "alpha", Optional.empty(), T0.plusSeconds(1));
        cache.recordFlag("c0-1", "beta", Optional.of(Gates.OFF), T0.plusSeconds(1));

        // Then
        assertThat(flags.list(topology, null)).extracting(FleetFlags.FlagSummary::name)
                .containsExactly("beta", "defined_flag");
        assertThat(flags.list(topology, null).get(0).rings().get(0).breakdown())
                .containsExactly(new FleetFlags.ValueCount("off", 1), new FleetFlags.ValueCount("unset", 1));
    }

    private static List<ObservedFlag> randomFlags(Random random) {
        List<ObservedFlag> flags = new ArrayList<>();
        for (String name : NAMES) {
            if (random.nextInt(3) > 0) {
                flags.add(new ObservedFlag(name, VALUES.get(random.nextInt(VALUES.size()))));
            }
        }
        return flags;
    }

    private static Topology topology(String version, int rings, int cellsPerRing) {
        List<Ring> list = new ArrayList<>();
        for (int r = 0; r < rings; r++) {
            int ring = r;
            list.add(new Ring(r, "ring-" + r, new RingPolicy(false, false, RolloutPolicy.NONE),
                    IntStream.range(0, cellsPerRing).mapToObj(n -> new Cell("c" + ring + "-" + n, ring, "gitlab",
                            URI.create("sandbox://c" + ring + "-" + n), CredentialRef.parse("env:TOKEN").orElseThrow(),
                            Map.of())).toList()));
        }
        dev.ripple.flags.FlagDefinition defined = new dev.ripple.flags.FlagDefinition("defined_flag", "@team",
                dev.ripple.flags.FlagType.OPS, "d", "g", false, Map.of(), RolloutPolicy.NONE);
        return new Topology(list, Map.of(), Map.of("defined_flag", defined), version);
    }
}
