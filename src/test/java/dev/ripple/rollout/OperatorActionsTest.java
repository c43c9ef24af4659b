package dev.ripple.rollout;

import dev.ripple.health.QueryResult;
import dev.ripple.notify.RolloutNotification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

import static dev.ripple.rollout.Changes.ON;
import static dev.ripple.rollout.EngineFixture.FLAG;
import static dev.ripple.rollout.EngineFixture.START;
import static dev.ripple.rollout.EngineFixture.on;
import static dev.ripple.rollout.EngineFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Pause, resume, promote, abort, rollback and retry: what each does, and when each is refused. */
class OperatorActionsTest {
    private final EngineFixture f = new EngineFixture();

    @Test
    void anActionBetweenTwoStepsIsSeenByTheNextOneEvenWhenItGoesOnFromTheLast() {
        // Given an immediate rollout whose first step (ring 0's snapshot) is saved and handed on
        long id = f.start(request(on(), 3, Mode.IMMEDIATE));
        RolloutEngine.StepResult snapshot = f.engine.step(id, null);
        assertThat(snapshot.rollout().phase()).isEqualTo(Phase.APPLY);

        // When an operator aborts before the next step, which is given the rollout as it was saved
        f.engine.operate(id, Operation.ABORT, "bob", "wrong flag");
        f.engine.step(id, null, snapshot.rollout());

        // Then ring 0 was not written
        assertThat(f.rollout(id).state()).isEqualTo(RolloutState.ABORTED);
        assertThat(f.gates("c0-1")).isNotEqualTo(Optional.of(ON));
        assertThat(f.eventTypes(id)).doesNotContain("cell-changed");
    }

    @Test
    void theNextStepGoesOnFromTheSavedRolloutAsItWouldFromTheStore() {
        // Given
        long id = f.start(request(on(), 3, Mode.IMMEDIATE));
        RolloutEngine.StepResult snapshot = f.engine.step(id, null);

        // When
        RolloutEngine.StepResult ring0 = f.engine.step(id, null, snapshot.rollout());

        // Then the rollout handed on reads as the stored one
        Rollout stored = f.rollout(id);
        Rollout handedOn = ring0.rollout();
        assertThat(handedOn.version()).isEqualTo(stored.version());
        assertThat(handedOn.cells()).isEqualTo(stored.cells());
        assertThat(handedOn.dirtyCells()).isEmpty();
        assertThat(handedOn.newEvents()).isEmpty();
        assertThat(handedOn.state()).isEqualTo(stored.state());
        assertThat(handedOn.phase()).isEqualTo(stored.phase());
        assertThat(handedOn.ringIndex()).isEqualTo(stored.ringIndex());
        assertThat(handedOn.nextStepAt()).isEqualTo(stored.nextStepAt());
        assertThat(f.gates("c0-1")).contains(ON);
    }

    @Test
    void aPausedRolloutGoesNoFurtherButIsStillWatched() {
        // Given paused while ring 0 bakes
        long id = f.startBaking(0);
        f.engine.operate(id, Operation.PAUSE, "bob", "checking dashboards");

        // When half an hour goes by
        f.runUntilSettled(id, 30);

        // Then
        Rollout r = f.rollout(id);
        assertThat(r.state()).isEqualTo(RolloutState.PAUSED);
        assertThat(r.reason()).isEqualTo("paused by bob: checking dashboards");
        assertThat(f.cells.writes).containsExactly("c0-1 on");
        assertThat(f.events(id, "check")).filteredOn(e -> "watch".equals(e.detail().get("during"))).hasSize(30);
    }

    @Test
    void resumingAPausedRolloutTakesAFreshVerdictAtOnceAndCarriesOn() {
        // Given paused past the end of ring 0's bake
        long id = f.startBaking(0);
        f.engine.operate(id, Operation.PAUSE, "bob", null);
        f.runUntilSettled(id, 20);
        Instant resumedAt = f.clock.instant();

        // When
        f.engine.operate(id, Operation.RESUME, "bob", null);
        f.stepNow(id);

        // Then
        assertThat(f.rollout(id).ringIndex()).isEqualTo(1);
        assertThat(f.changedAt(id, 1)).containsExactly(resumedAt, resumedAt);
    }

    @Test
    void resumingAHaltedRolloutReevaluatesAndCarriesOnOnceTheRingIsHealthyAgain() {
        // Given halted on ring 1, which has since recovered, past its bake time
        long id = f.startHaltedOnRing1();
        f.metrics.errors(1, 0.0);
        f.runUntilSettled(id, 15);

        // When
        f.engine.operate(id, Operation.RESUME, "bob", "false alarm");
        f.stepNow(id);

        // Then
        Rollout r = f.rollout(id);
        assertThat(r.state()).isEqualTo(RolloutState.RUNNING);
        assertThat(r.ringIndex()).isEqualTo(2);
        assertThat(f.gates("c2-1")).contains(ON);
    }

    @Test
    void resumingAHaltedRolloutThatIsStillUnhealthyHaltsItAgain() {
        // Given
        long id = f.startHaltedOnRing1();

        // When
        f.engine.operate(id, Operation.RESUME, "bob", null);
        f.stepNow(id);

        // Then
        assertThat(f.rollout(id).state()).isEqualTo(RolloutState.HALTED);
        assertThat(f.eventTypes(id)).containsSubsequence("halted", "resume", "check", "halted");
        assertThat(f.gates("c2-1")).isEmpty();
    }

    @Test
    void promotingEndsTheBakeAtOnceWhenTheRingIsHealthy() {
        // Given ring 0 has just started baking
        long id = f.startBaking(0);

        // When
        f.engine.operate(id, Operation.PROMOTE, "bob", "urgent fix");
        f.stepNow(id);

        // Then
        assertThat(f.rollout(id).ringIndex()).isEqualTo(1);
        assertThat(f.changedAt(id, 1)).containsExactly(START, START);
    }

    @Test
    void promotingStillNeedsAConclusiveHealthyVerdict() {
        // Given ring 0 baking with no data
        long id = f.startBaking(0);
        f.metrics.answer(0, new QueryResult.NoData());

        // When
        f.engine.operate(id, Operation.PROMOTE, "bob", null);
        f.stepNow(id);

        // Then
        Rollout r = f.rollout(id);
        assertThat(r.ringIndex()).isZero();
        assertThat(r.phase()).isEqualTo(Phase.BAKE);
        assertThat(f.gates("c1-1")).isEmpty();
        assertThat(f.events(id, "check")).last().satisfies(e ->
                assertThat(e.detail()).containsEntry("outcome", "inconclusive"));
    }

    @Test
    void abortingLeavesEveryCellAsItIsAndFreesTheFlag() {
        // Given ring 1 baking
        long id = f.startBaking(1);
        List<String> writes = List.copyOf(f.cells.writes);

        // When
        f.engine.operate(id, Operation.ABORT, "bob", "wrong flag");

        // Then
        Rollout r = f.rollout(id);
        assertThat(r.state()).isEqualTo(RolloutState.ABORTED);
        assertThat(r.reason()).isEqualTo("aborted by bob: wrong flag");
        assertThat(r.nextStepAt()).isNull();
        assertThat(f.cells.writes).isEqualTo(writes);
        assertThat(List.of("c0-1", "c1-1", "c1-2")).allSatisfy(c -> assertThat(f.gates(c)).contains(ON));
        assertThat(f.store.activeFor(FLAG)).isEmpty();
        assertThat(f.notified()).last().isEqualTo(RolloutNotification.Event.ABORTED);
    }

    @Test
    void retryingReappliesOnlyTheCellsThatFailed() {
        // Given ring 1 halted on c1-2, which is back
        long id = f.start(request(on(), 3, Mode.GRADUAL));
        f.stepUntil(id, r -> r.ringIndex() == 1 && r.phase() == Phase.APPLY);
        f.cells.failing.add("c1-2");
        f.stepOnce(id);
        f.cells.failing.clear();
        int writesBefore = f.cells.writes.size();

        // When
        f.engine.operate(id, Operation.RETRY, "bob", null);
        f.stepNow(id);

        // Then
        Rollout r = f.rollout(id);
        assertThat(f.cells.writes.subList(writesBefore, f.cells.writes.size())).containsExactly("c1-2 on");
        assertThat(r.state()).isEqualTo(RolloutState.RUNNING);
        assertThat(r.phase()).isEqualTo(Phase.BAKE);
        assertThat(r.cell("c1-2").status()).isEqualTo(CellStatus.APPLIED);
    }

    @Test
    void anOperatorRollbackRestoresEveryTouchedCellAndSaysWhoAskedForIt() {
        // Given
        long id = f.startBaking(1);

        // When
        f.engine.operate(id, Operation.ROLLBACK, "bob", "customer report");
        RolloutState end = f.runUntilSettled(id, 50);

        // Then
        assertThat(end).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(f.rollout(id).reason()).isEqualTo("rollback requested by bob: customer report");
        assertThat(f.events(id, "rollback-started")).extracting(TimelineEvent::actor).containsExactly("bob");
        assertThat(List.of("c0-1", "c1-1", "c1-2")).allSatisfy(c -> assertThat(f.gates(c)).isEmpty());
    }

    @Test
    void eachOperatorActionIsInTheTimelineWithWhoAndWhy() {
        // Given
        long id = f.startBaking(0);

        // When
        f.engine.operate(id, Operation.PAUSE, "bob", "checking dashboards");

        // Then
        assertThat(f.events(id, "pause")).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("bob");
            assertThat(e.message()).isEqualTo("pause by bob: checking dashboards");
            assertThat(e.ring()).isZero();
            assertThat(e.detail()).containsEntry("from", "running");
        });
    }

    @Test
    void anOperatorActionIsNotLostWhenAnEngineStepSavedFirst() {
        // Given the first save of the action finds the rollout changed under it
        long id = f.startBaking(0);
        f.store.failNextSave = true;

        // When
        f.engine.operate(id, Operation.PAUSE, "bob", null);

        // Then
        assertThat(f.rollout(id).state()).isEqualTo(RolloutState.PAUSED);
        assertThat(f.events(id, "pause")).hasSize(1);
    }

    static Stream<Arguments> refusals() {
        ToLongFunction<EngineFixture> running = fx -> fx.start(request(on(), 3, Mode.GRADUAL));
        ToLongFunction<EngineFixture> paused = fx -> {
            long id = fx.startBaking(0);
            fx.engine.operate(id, Operation.PAUSE, "bob", null);
            return id;
        };
        ToLongFunction<EngineFixture> rollingBack = fx -> {
            long id = fx.startBaking(0);
            fx.engine.operate(id, Operation.ROLLBACK, "bob", null);
            return id;
        };
        ToLongFunction<EngineFixture> rollbackIncomplete = fx -> {
            long id = fx.startBaking(0);
            fx.cells.failing.add("c0-1");
            fx.engine.operate(id, Operation.ROLLBACK, "bob", null);
            fx.runUntilSettled(id, 10);
            return id;
        };
        ToLongFunction<EngineFixture> halted = EngineFixture::startHaltedOnRing1;
        return Stream.of(
                arguments("promote while paused", paused, Operation.PROMOTE, RolloutState.PAUSED,
                        "only a rollout baking a ring can be promoted"),
                arguments("promote before the ring is baking", running, Operation.PROMOTE, RolloutState.RUNNING,
                        "only a rollout baking a ring can be promoted"),
                arguments("resume while running", running, Operation.RESUME, RolloutState.RUNNING,
                        "only a paused or halted rollout can be resumed"),
                arguments("pause while paused", paused, Operation.PAUSE, RolloutState.PAUSED,
                        "only a running or blocked rollout can be paused"),
                arguments("pause while halted", halted, Operation.PAUSE, RolloutState.HALTED,
                        "only a running or blocked rollout can be paused"),
                arguments("retry without failed cells", halted, Operation.RETRY, RolloutState.HALTED,
                        "only a rollout halted on failed cells"),
                arguments("retry while running", running, Operation.RETRY, RolloutState.RUNNING,
                        "only a rollout halted on failed cells"),
                arguments("rollback while rolling back", rollingBack, Operation.ROLLBACK, RolloutState.ROLLING_BACK,
                        "it is already rolling back"),
                arguments("resume once a rollback was started", rollbackIncomplete, Operation.RESUME,
                        RolloutState.HALTED, "a rollback was started; roll back again or abort"),
                arguments("retry once a rollback was started", rollbackIncomplete, Operation.RETRY,
                        RolloutState.HALTED, "only a rollout halted on failed cells"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void anActionThatMakesNoSenseInTheCurrentStateIsRefusedWithThatState(String behaviour,
                                                                        ToLongFunction<EngineFixture> setUp,
                                                                        Operation operation, RolloutState state,
                                                                        String why) {
        // Given
        long id = setUp.applyAsLong(f);
        Rollout before = f.rollout(id);

        // When
        OperationRefused refused = catchThrowableOfType(OperationRefused.class,
                () -> f.engine.operate(id, operation, "bob", null));

        // Then
        assertThat(refused.state()).isEqualTo(state);
        assertThat(refused).hasMessageContaining("while it is " + state.wireName()).hasMessageContaining(why);
        assertThat(f.rollout(id).version()).as("nothing saved").isEqualTo(before.version());
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void everyActionOnAnEndedRolloutIsRefused(Operation operation) {
        // Given
        long id = f.start(request(on(), 3, Mode.IMMEDIATE));
        f.stepNow(id);

        // When
        OperationRefused refused = catchThrowableOfType(OperationRefused.class,
                () -> f.engine.operate(id, operation, "bob", null));

        // Then
        assertThat(refused.state()).isEqualTo(RolloutState.COMPLETED);
        assertThat(refused).hasMessageEndingWith("while it is completed: it has ended");
    }
}
