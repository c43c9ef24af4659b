package dev.ripple.rollout;

import dev.ripple.flags.Gates;
import dev.ripple.notify.RolloutNotification;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.ripple.rollout.Changes.ON;
import static dev.ripple.rollout.Changes.pctActors;
import static dev.ripple.rollout.EngineFixture.BAKE;
import static dev.ripple.rollout.EngineFixture.FLAG;
import static dev.ripple.rollout.EngineFixture.START;
import static dev.ripple.rollout.EngineFixture.on;
import static dev.ripple.rollout.EngineFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Ring by ring: preflight, snapshot, apply with read-back, bake with checks, and what stops a ring. */
class GradualRolloutTest {
    private final EngineFixture f = new EngineFixture();

    @Test
    void eachRingIsChangedOnlyOnceThePreviousRingHasBakedItsFullTime() {
        // Given
        long id = f.start(request(on(), 2, Mode.GRADUAL));

        // When
        RolloutState end = f.runUntilSettled(id, 500);

        // Then
        assertThat(end).isEqualTo(RolloutState.COMPLETED);
        assertThat(f.events(id, "cell-changed")).extracting(TimelineEvent::cell, TimelineEvent::at).containsExactly(
                tuple("c0-1", START),
                tuple("c1-1", START.plus(BAKE)), tuple("c1-2", START.plus(BAKE)),
                tuple("c2-1", START.plus(BAKE.multipliedBy(2))), tuple("c2-2", START.plus(BAKE.multipliedBy(2))),
                tuple("c2-3", START.plus(BAKE.multipliedBy(2))));
        assertThat(f.rollout(id).finishedAt()).isEqualTo(START.plus(BAKE.multipliedBy(3)));
    }

    @Test
    void theInitiatorHearsOfEachRingDoneAndOfTheEnd() {
        // Given
        long id = f.start(request(on(), 1, Mode.GRADUAL));

        // When
        f.runUntilSettled(id, 500);

        // Then
        assertThat(f.notified()).containsExactly(RolloutNotification.Event.RING_DONE,
                RolloutNotification.Event.RING_DONE, RolloutNotification.Event.COMPLETED);
        assertThat(f.notifications).allSatisfy(n -> assertThat(n.initiator()).isEqualTo("alice"));
        assertThat(f.notifications.get(1).summary()).isEqualTo("ring 1 done: 2 of 2 cells hold on");
    }

    @Test
    void aRingIsCheckedEveryMinuteOfItsBake() {
        // Given
        long id = f.start(request(on(), 0, Mode.GRADUAL));

        // When
        f.runUntilSettled(id, 500);

        // Then
        assertThat(f.events(id, "check")).extracting(e -> e.detail().get("during"), TimelineEvent::at)
                .containsExactly(tuple("preflight", at(0)), tuple("bake", at(1)), tuple("bake", at(2)),
                        tuple("bake", at(3)), tuple("bake", at(4)), tuple("bake", at(5)), tuple("bake", at(6)),
                        tuple("bake", at(7)), tuple("bake", at(8)), tuple("bake", at(9)), tuple("bake", at(10)));
    }

    @Test
    void crossingTheHaltThresholdWhileBakingHaltsAndKeepsTheChangeForAHuman() {
        // Given ring 1 is baking
        long id = f.startBaking(1);
        f.metrics.errors(1, 0.03);

        // When
        f.stepNext(id);

        // Then
        Rollout r = f.rollout(id);
        assertThat(r.state()).isEqualTo(RolloutState.HALTED);
        assertThat(r.reason()).isEqualTo("errors on ring 1 0.03 > halt 0.02");
        assertThat(f.gates("c1-2")).contains(ON);
        assertThat(f.gates("c2-1")).isEmpty();
        assertThat(f.notifications).last().satisfies(n -> {
            assertThat(n.event()).isEqualTo(RolloutNotification.Event.HALTED);
            assertThat(n.ring()).isEqualTo(1);
            assertThat(n.summary()).isEqualTo("errors on ring 1 0.03 > halt 0.02");
        });
    }

    @Test
    void aRingThatLooksUnhealthyBeforeItIsTouchedHaltsInPreflightWithoutAWrite() {
        // Given ring 1 is already unhealthy
        long id = f.start(request(on(), 3, Mode.GRADUAL));
        f.metrics.errors(1, 0.03);

        // When
        f.stepUntil(id, r -> r.state() == RolloutState.HALTED);

        // Then
        Rollout r = f.rollout(id);
        assertThat(r.reason()).isEqualTo("preflight: errors on ring 1 0.03 > halt 0.02");
        assertThat(r.ringIndex()).isEqualTo(1);
        assertThat(f.cells.writes).containsExactly("c0-1 on");
    }

    @Test
    void anUntouchedRingPastItsRollbackThresholdHaltsRatherThanUndoingTheRingsThatWentWell() {
        // Given
        long id = f.start(request(on(), 3, Mode.GRADUAL));
        f.metrics.errors(1, 0.09);

        // When
        f.stepUntil(id, r -> r.state() != RolloutState.RUNNING);

        // Then
        assertThat(f.rollout(id).state()).isEqualTo(RolloutState.HALTED);
        assertThat(f.rollout(id).reason()).isEqualTo("preflight: errors on ring 1 0.09 > rollback 0.05");
        assertThat(f.gates("c0-1")).contains(ON);
    }

    @Test
    void aCellFailingToTakeTheChangeHaltsItsRingNamingTheCellAndTheError() {
        // Given ring 1 was read, and c1-2 goes down before the write
        long id = f.start(request(on(), 3, Mode.GRADUAL));
        f.stepUntil(id, r -> r.ringIndex() == 1 && r.phase() == Phase.APPLY);
        f.cells.failing.add("c1-2");

        // When
        f.stepOnce(id);

        // Then
        Rollout r = f.rollout(id);
        assertThat(r.state()).isEqualTo(RolloutState.HALTED);
        assertThat(r.reason()).isEqualTo("ring 1: 1 of 2 cells failed; first: c1-2: unreachable: connection refused");
        assertThat(r.cell("c1-2").status()).isEqualTo(CellStatus.FAILED);
        assertThat(f.gates("c1-1")).contains(ON);
        assertThat(f.gates("c2-1")).isEmpty();
        assertThat(f.notifications).filteredOn(n -> n.event() == RolloutNotification.Event.CELL_FAILED)
                .singleElement().satisfies(n -> {
                    assertThat(n.initiator()).isEqualTo("alice");
                    assertThat(n.failures()).containsExactly("c1-2: unreachable: connection refused");
                });
        assertThat(f.notified()).last().isEqualTo(RolloutNotification.Event.HALTED);
    }

    @Test
    void aCellThatCannotBeReadBeforeTheChangeHaltsItsRingBeforeAnyWrite() {
        // Given
        f.cells.failing.add("c1-2");
        long id = f.start(request(on(), 3, Mode.GRADUAL));

        // When
        f.stepUntil(id, r -> r.state() == RolloutState.HALTED);

        // Then
        assertThat(f.rollout(id).reason()).isEqualTo(
                "ring 1: c1-2: could not read it before the change: unreachable: connection refused");
        assertThat(f.cells.writes).containsExactly("c0-1 on");
        assertThat(f.notified()).containsSubsequence(RolloutNotification.Event.CELL_FAILED,
                RolloutNotification.Event.HALTED);
    }

    @Test
    void aCellWhoseReadBackDoesNotShowTheChangeIsFailedNeverReportedAsApplied() {
        // Given c1-1 accepts the write but keeps its old gates
        f.cells.ignoring.add("c1-1");
        long id = f.start(request(on(), 3, Mode.GRADUAL));

        // When
        f.stepUntil(id, r -> r.state() == RolloutState.HALTED);

        // Then
        CellProgress c11 = f.rollout(id).cell("c1-1");
        assertThat(f.cells.writes).contains("c1-1 on");
        assertThat(c11.status()).isEqualTo(CellStatus.FAILED);
        assertThat(c11.error()).isEqualTo("read-back shows absent, not on");
        assertThat(f.events(id, "cell-changed")).extracting(TimelineEvent::cell).doesNotContain("c1-1");
        assertThat(f.events(id, "cell-failed")).extracting(TimelineEvent::message)
                .containsExactly("c1-1: read-back shows absent, not on");
    }

    @Test
    void theTimelineRecordsEachCheckWithItsQueryValueAndThresholds() {
        // Given ring 0 is baking
        long id = f.startBaking(0);
        f.metrics.errors(0, 0.013);

        // When
        f.stepOnce(id);

        // Then
        TimelineEvent check = lastOf(f.events(id, "check"));
        assertThat(check.message()).isEqualTo("bake: healthy: errors on ring 0 0.013 <= halt 0.02");
        assertThat(check.ring()).isZero();
        assertThat(check.detail()).containsEntry("during", "bake").containsEntry("outcome", "healthy");
        assertThat(check.detail().get("checks")).asList().singleElement().isEqualTo(Map.of(
                "check", "errors",
                "query", "errors{ring=\"0\",cells=~\"c0-1\"}",
                "value", 0.013,
                "halt", 0.02,
                "rollback", 0.05,
                "outcome", "healthy",
                "summary", "errors on ring 0 0.013 <= halt 0.02"));
    }

    @Test
    void theTimelineRecordsEachCellsGatesBeforeAndAfterTheChange() {
        // Given
        f.cells.set("c0-1", FLAG, pctActors(10));
        long id = f.start(request(on(), 0, Mode.GRADUAL));

        // When
        f.stepUntilBaking(id, 0);

        // Then
        assertThat(f.events(id, "cell-changed")).singleElement().satisfies(e -> {
            assertThat(e.message()).isEqualTo("c0-1: 10% of actors → on");
            assertThat(e.detail()).containsEntry("before", "10% of actors").containsEntry("after", "on");
            assertThat(e.actor()).isEqualTo("ripple");
        });
        assertThat(f.rollout(id).cell("c0-1").snapshot()).contains(pctActors(10));
    }

    @Test
    void aGradualRolloutNeverTouchesQuarantineOrRingsPastItsTarget() {
        // Given
        f.cells.set("q-1", FLAG, Gates.OFF);
        long id = f.start(request(on(), 1, Mode.GRADUAL));

        // When
        f.runUntilSettled(id, 500);

        // Then
        assertThat(f.cells.writes).containsExactly("c0-1 on", "c1-1 on", "c1-2 on");
        assertThat(f.gates("q-1")).contains(Gates.OFF);
    }

    @Test
    void aRolloutToNamedQuarantineCellsChangesOnlyThoseCells() {
        // Given
        long id = f.start(new RolloutRequest(FLAG, on(), -1, Mode.GRADUAL, List.of("q-2"), "alice", "try it", null,
                null));

        // When
        RolloutState end = f.runUntilSettled(id, 500);

        // Then
        assertThat(end).isEqualTo(RolloutState.COMPLETED);
        assertThat(f.cells.writes).containsExactly("q-2 on");
        assertThat(f.metrics.queries).allMatch(q -> q.contains("ring=\"-1\",cells=~\"q-2\""));
    }

    private static TimelineEvent lastOf(List<TimelineEvent> events) {
        return events.get(events.size() - 1);
    }

    private static Instant at(int minutes) {
        return START.plusSeconds(60L * minutes);
    }
}
