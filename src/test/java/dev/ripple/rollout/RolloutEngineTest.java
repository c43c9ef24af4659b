package dev.ripple.rollout;

import dev.ripple.flags.Gates;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine stepped tick by tick on fakes with a fake clock. */
class RolloutEngineTest {
    private final EngineFixture f = new EngineFixture();

    @Test
    void aHealthyGradualRolloutReachesItsRingAndNoFurther() {
        // Given
        long id = f.start(EngineFixture.request(EngineFixture.on(), 2, Mode.GRADUAL));

        // When
        RolloutState end = f.runUntilSettled(id, 500);

        // Then
        assertThat(end).isEqualTo(RolloutState.COMPLETED);
        assertThat(f.cells.gates("c2-3", EngineFixture.FLAG)).contains(Gates.OFF.withEnabled(true));
        assertThat(f.cells.gates("c3-1", EngineFixture.FLAG)).isEmpty();
        assertThat(f.cells.gates("q-1", EngineFixture.FLAG)).isEmpty();
        assertThat(f.eventTypes(id)).containsSubsequence("created", "snapshot", "cell-changed", "bake-started",
                "check", "ring-done", "ring-started", "completed");
    }

    @Test
    void crossingTheRollbackThresholdInAnEarlierRingRestoresEveryTouchedCell() {
        // Given ring 1 is baking, ring 0 done
        f.cells.set("c0-1", EngineFixture.FLAG, Gates.OFF.withPercentageOfActors(new java.math.BigDecimal(10)));
        long id = f.start(EngineFixture.request(EngineFixture.on(), 3, Mode.GRADUAL));
        while (f.rollout(id).ringIndex() < 1 || f.rollout(id).phase() != Phase.BAKE) {
            f.stepNext(id);
        }

        // When ring 0 goes bad
        f.metrics.errors(0, 0.08);
        RolloutState end = f.runUntilSettled(id, 50);

        // Then
        assertThat(end).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(f.cells.gates("c0-1", EngineFixture.FLAG))
                .contains(Gates.OFF.withPercentageOfActors(new java.math.BigDecimal(10)));
        assertThat(f.cells.gates("c1-2", EngineFixture.FLAG)).isEqualTo(Optional.empty());
        assertThat(f.rollout(id).reason()).contains("errors on ring 0 0.08 > rollback 0.05");
    }
}
