package dev.ripple.audit;

import dev.ripple.flags.ActorKind;
import dev.ripple.flags.GateChange;
import dev.ripple.rollout.FlagChange;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Feature-flag log titles read as GitLab's own log does, with a ring for the environment. */
class FlagLogTitlesTest {

    private static String title(GateChange change, int ring) {
        return FlagLogTitles.change("x", new FlagChange.Gate(change), ring);
    }

    @Test
    void everyKindOfChangeHasItsTitle() {
        assertThat(title(new GateChange.SetBoolean(true), 2)).isEqualTo("Feature flag 'x' set to 'true' on ring 2");
        assertThat(title(new GateChange.SetBoolean(false), 0)).isEqualTo("Feature flag 'x' set to 'false' on ring 0");
        assertThat(title(new GateChange.SetPercentage(GateChange.PercentageKind.ACTORS, new BigDecimal("25.0")), 2))
                .isEqualTo("Feature flag 'x' set to '25%' of actors on ring 2");
        assertThat(title(new GateChange.SetPercentage(GateChange.PercentageKind.TIME, new BigDecimal("12.5")), 1))
                .isEqualTo("Feature flag 'x' set to '12.5%' of time on ring 1");
        assertThat(title(new GateChange.SetActors(ActorKind.USER, List.of("alice", "bob"), true), 3))
                .isEqualTo("Feature flag 'x' set to 'true' for user 'alice, bob' on ring 3");
        assertThat(title(new GateChange.SetActors(ActorKind.FEATURE_GROUP, List.of("beta"), false), 3))
                .isEqualTo("Feature flag 'x' set to 'false' for feature group 'beta' on ring 3");
        assertThat(FlagLogTitles.change("x", new FlagChange.Delete(), -1)).isEqualTo("Feature flag 'x' deleted on ring -1");
        assertThat(FlagLogTitles.rollback("x", 1, 42)).isEqualTo("Feature flag 'x' restored on ring 1 (rollback of rollout 42)");
    }

    @Test
    void aRingWithFailedCellsSaysHowMany() {
        assertThat(FlagLogTitles.withFailures("Feature flag 'x' set to 'true' on ring 2", 1, 3))
                .isEqualTo("Feature flag 'x' set to 'true' on ring 2 (1 of 3 cells failed)");
        assertThat(FlagLogTitles.withFailures("Feature flag 'x' set to 'true' on ring 2", 0, 3))
                .isEqualTo("Feature flag 'x' set to 'true' on ring 2");
    }
}
