package dev.ripple.rollout;

import org.junit.jupiter.api.Test;

import static dev.ripple.rollout.Changes.ON;
import static dev.ripple.rollout.EngineFixture.on;
import static dev.ripple.rollout.EngineFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a rollout says a cell holds is only ever what was read from it: a cell whose call failed before a read-back
 * (its write accepted and the read-back lost, say) is failed, never applied, and its {@code after} is unknown rather
 * than "absent".
 */
class CellReportsTest {
    private final EngineFixture f = new EngineFixture();

    @Test
    void aGradualRolloutWhoseReadBackIsLostAfterTheWriteLandedHaltsWithoutCallingTheCellApplied() {
        // Given ring 1's first cell takes the write, then cannot be read back
        f.cells.readBackFailing.add("c1-1");

        // When
        long id = gradualUntilHalted();

        // Then
        Rollout r = f.rollout(id);
        assertThat(r.currentRing()).map(PlannedRing::ring).contains(1);
        assertThat(f.gates("c1-1")).as("the write landed").contains(ON);
        CellProgress lost = r.cell("c1-1");
        assertThat(lost.status()).isEqualTo(CellStatus.FAILED);
        assertThat(lost.afterRead()).isFalse();
        assertThat(r.reason()).contains("c1-1").contains("unreachable");
        CellProgress fine = r.cell("c1-2");
        assertThat(fine.status()).isEqualTo(CellStatus.APPLIED);
        assertThat(fine.afterRead()).isTrue();
        assertThat(fine.after()).contains(ON);
    }

    @Test
    void anImmediateRolloutListsTheCellWhoseReadBackWasLostAsFailedWithNothingKnownAfter() {
        // Given
        f.cells.readBackFailing.add("c2-2");
        long id = f.start(request(on(), 3, Mode.IMMEDIATE));

        // When
        f.stepNow(id);

        // Then
        Rollout r = f.rollout(id);
        assertThat(r.state()).isEqualTo(RolloutState.COMPLETED_WITH_FAILURES);
        assertThat(r.cells().values()).filteredOn(c -> c.status() == CellStatus.FAILED)
                .extracting(CellProgress::cellId).containsExactly("c2-2");
        assertThat(r.cell("c2-2").afterRead()).isFalse();
        assertThat(r.cells().values()).filteredOn(CellProgress::afterRead)
                .allSatisfy(c -> assertThat(c.after()).as(c.cellId()).isEqualTo(f.gates(c.cellId())));
    }

    @Test
    void aCellThatCouldNotBeReadBeforeTheChangeHasNoAfterEither() {
        // Given
        f.cells.unreadable.add("c1-2");

        // When
        long id = gradualUntilHalted();

        // Then
        CellProgress unread = f.rollout(id).cell("c1-2");
        assertThat(unread.status()).isEqualTo(CellStatus.FAILED);
        assertThat(unread.afterRead()).isFalse();
        assertThat(f.cells.writes).noneMatch(w -> w.startsWith("c1-2 "));
    }

    @Test
    void aReadBackThatShowsTheOldGatesIsWhatTheCellHolds() {
        // Given
        f.cells.ignoring.add("c1-1");

        // When
        CellProgress ignored = f.rollout(gradualUntilHalted()).cell("c1-1");

        // Then
        assertThat(ignored.status()).isEqualTo(CellStatus.FAILED);
        assertThat(ignored.afterRead()).isTrue();
        assertThat(ignored.after()).isEqualTo(f.gates("c1-1"));
    }

    private long gradualUntilHalted() {
        long id = f.start(request(on(), 3, Mode.GRADUAL));
        f.stepUntil(id, r -> r.state() == RolloutState.HALTED);
        return id;
    }
}
