package dev.ripple.rollout;

import dev.ripple.flags.Gates;
import dev.ripple.notify.RolloutNotification;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.ripple.rollout.Changes.pctActors;
import static dev.ripple.rollout.Changes.set;
import static dev.ripple.rollout.EngineFixture.FLAG;
import static dev.ripple.rollout.EngineFixture.on;
import static dev.ripple.rollout.EngineFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

/** Crossing a rollback threshold, in any ring Ripple touched, puts every touched cell back, outermost ring first. */
class RollbackTest {
    private final EngineFixture f = new EngineFixture();

    @Test
    void crossingTheRollbackThresholdWhileBakingPutsEveryTouchedCellBackToItsSnapshot() {
        // Given cells with different gates before the rollout, ring 1 baking
        Gates alice = Gates.OFF.withActors(set("User:alice"));
        f.cells.set("c0-1", FLAG, pctActors(10));
        f.cells.set("c1-1", FLAG, alice);
        long id = f.startBaking(1);
        f.metrics.errors(1, 0.06);

        // When
        RolloutState end = f.runUntilSettled(id, 50);

        // Then
        assertThat(end).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(f.rollout(id).reason()).isEqualTo("errors on ring 1 0.06 > rollback 0.05");
        assertThat(f.gates("c0-1")).contains(pctActors(10));
        assertThat(f.gates("c1-1")).contains(alice);
        assertThat(f.gates("c1-2")).isEmpty();
        assertThat(f.rollout(id).cells().values()).filteredOn(c -> c.ring() <= 1)
                .extracting(CellProgress::status).containsOnly(CellStatus.RESTORED);
        assertThat(f.notified()).last().isEqualTo(RolloutNotification.Event.ROLLED_BACK);
    }

    @Test
    void anEarlierRingCrossingItsRollbackThresholdDuringALaterBakeRollsBackOutermostRingFirst() {
        // Given ring 2 is baking
        long id = f.startBaking(2);
        f.metrics.errors(0, 0.06);

        // When
        RolloutState end = f.runUntilSettled(id, 50);

        // Then
        assertThat(end).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(f.rollout(id).reason()).isEqualTo("errors on ring 0 0.06 > rollback 0.05");
        assertThat(f.events(id, "ring-restore")).extracting(TimelineEvent::ring).containsExactly(2, 1, 0);
        assertThat(f.events(id, "cell-restored")).extracting(TimelineEvent::cell)
                .containsExactly("c2-1", "c2-2", "c2-3", "c1-1", "c1-2", "c0-1");
        assertThat(f.cells.flags.values()).allSatisfy(flags -> assertThat(flags).doesNotContainKey(FLAG));
        assertThat(f.cells.writes).noneMatch(w -> w.startsWith("c3-"));
    }

    @Test
    void anEarlierRingGoingBadBeforeTheNextRingIsTouchedStillRollsBack() {
        // Given ring 0 done, ring 1 about to be checked in preflight
        long id = f.start(request(on(), 3, Mode.GRADUAL));
        f.stepUntil(id, r -> r.ringIndex() == 1 && r.phase() == Phase.PREFLIGHT);
        f.metrics.errors(0, 0.06);

        // When
        f.stepOnce(id);

        // Then
        assertThat(f.rollout(id).state()).isEqualTo(RolloutState.ROLLING_BACK);
        assertThat(lastOf(f.events(id, "check")).detail()).containsEntry("during", "watch")
                .containsEntry("outcome", "rollback");
        assertThat(f.cells.writes).containsExactly("c0-1 on");
    }

    @Test
    void aHaltedRolloutKeepsBeingWatchedAndRollsBackByItselfWhenARingCrossesTheRollbackThreshold() {
        // Given halted on ring 1
        long id = f.startHaltedOnRing1();
        f.metrics.errors(0, 0.07);

        // When
        RolloutState end = f.runUntilSettled(id, 50);

        // Then
        assertThat(end).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(f.events(id, "rollback-started")).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("ripple");
            assertThat(e.message()).isEqualTo("rolling back: errors on ring 0 0.07 > rollback 0.05");
        });
        assertThat(List.of("c0-1", "c1-1", "c1-2")).allSatisfy(c -> assertThat(f.gates(c)).isEmpty());
    }

    @Test
    void aPausedRolloutKeepsBeingWatchedAndRollsBackByItself() {
        // Given paused while ring 1 bakes
        long id = f.startBaking(1);
        f.engine.operate(id, Operation.PAUSE, "bob", "lunch");
        f.metrics.errors(1, 0.08);

        // When
        RolloutState end = f.runUntilSettled(id, 50);

        // Then
        assertThat(end).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(f.gates("c1-1")).isEmpty();
    }

    @Test
    void aCellThatCannotBeRestoredLeavesTheRolloutHaltedForAHuman() {
        // Given ring 1 crosses rollback while c0-1 is down
        long id = f.startBaking(1);
        f.cells.failing.add("c0-1");
        f.metrics.errors(1, 0.06);

        // When
        RolloutState end = f.runUntilSettled(id, 50);

        // Then
        Rollout r = f.rollout(id);
        assertThat(end).isEqualTo(RolloutState.HALTED);
        assertThat(r.reason()).isEqualTo("rollback incomplete: 1 cells could not be restored; first: c0-1: "
                + "unreachable: connection refused");
        assertThat(r.nextStepAt()).isNull();
        assertThat(r.cell("c0-1").status()).isEqualTo(CellStatus.RESTORE_FAILED);
        assertThat(f.gates("c1-1")).isEmpty();
        assertThat(f.notifications).last().satisfies(n -> {
            assertThat(n.event()).isEqualTo(RolloutNotification.Event.HALTED);
            assertThat(n.failures()).containsExactly("c0-1: unreachable: connection refused");
        });
    }

    @Test
    void rollingBackAgainRetriesOnlyTheCellsThatCouldNotBeRestored() {
        // Given a rollback left c0-1 behind
        long id = f.startBaking(1);
        f.cells.failing.add("c0-1");
        f.metrics.errors(1, 0.06);
        f.runUntilSettled(id, 50);
        f.cells.failing.clear();
        int writesBefore = f.cells.writes.size();

        // When
        f.engine.operate(id, Operation.ROLLBACK, "bob", "c0-1 is back");
        RolloutState end = f.runUntilSettled(id, 50);

        // Then
        assertThat(end).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(f.gates("c0-1")).isEmpty();
        assertThat(f.cells.writes.subList(writesBefore, f.cells.writes.size())).containsExactly("c0-1 delete");
    }

    @Test
    void rollingBackLeavesAloneACellThatWasNeverWrittenBecauseItCouldNotBeRead() {
        // Given ring 1 halted before its write: c1-2 could not be read
        f.cells.failing.add("c1-2");
        long id = f.start(request(on(), 3, Mode.GRADUAL));
        f.stepUntil(id, r -> r.state() == RolloutState.HALTED);

        // When
        f.engine.operate(id, Operation.ROLLBACK, "bob", "not today");
        RolloutState end = f.runUntilSettled(id, 50);

        // Then
        assertThat(end).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(f.gates("c0-1")).isEmpty();
        assertThat(f.rollout(id).cell("c1-2").status()).isEqualTo(CellStatus.FAILED);
        assertThat(f.cells.writes).noneMatch(w -> w.startsWith("c1-"));
    }

    private static TimelineEvent lastOf(List<TimelineEvent> events) {
        return events.get(events.size() - 1);
    }
}
