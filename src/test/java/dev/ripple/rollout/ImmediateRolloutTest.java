package dev.ripple.rollout;

import dev.ripple.notify.RolloutNotification;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.ripple.rollout.Changes.ON;
import static dev.ripple.rollout.EngineFixture.START;
import static dev.ripple.rollout.EngineFixture.incident;
import static dev.ripple.rollout.EngineFixture.on;
import static dev.ripple.rollout.EngineFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

/** Incident mitigation: every ring at once, no checks, no incident blocks, a failed cell stops nobody. */
class ImmediateRolloutTest {
    static final List<String> ALL_CELLS = List.of("c0-1", "c1-1", "c1-2", "c2-1", "c2-2", "c2-3", "c3-1", "c3-2",
            "c3-3", "c3-4");

    private final EngineFixture f = new EngineFixture();

    @Test
    void anImmediateRolloutReachesEveryRingAtOnceWithoutAskingForHealth() {
        // Given
        long id = f.start(request(on(), 3, Mode.IMMEDIATE));

        // When
        f.stepNow(id);

        // Then
        Rollout r = f.rollout(id);
        assertThat(r.state()).isEqualTo(RolloutState.COMPLETED);
        assertThat(r.finishedAt()).isEqualTo(START);
        assertThat(ALL_CELLS).allSatisfy(c -> assertThat(f.gates(c)).contains(ON));
        assertThat(f.gates("q-1")).isEmpty();
        assertThat(f.metrics.queries).isEmpty();
        assertThat(f.eventTypes(id)).doesNotContain("check", "bake-started");
        assertThat(f.notified()).containsExactly(RolloutNotification.Event.COMPLETED);
    }

    @Test
    void theRolloutFinishesWhenItsLastRingHasAnsweredNotWhenThatStepStarted() {
        // Given: every fan-out takes 100 ms; the snapshot and rings 0-2 take 400 ms before ring 3 starts
        f.cells.whileAnswering = () -> f.clock.advance(Duration.ofMillis(100));
        long id = f.start(request(on(), 3, Mode.IMMEDIATE));

        // When
        f.stepNow(id);

        // Then
        Instant lastRingStarted = START.plusMillis(400);
        Instant end = START.plusMillis(500);
        Rollout r = f.rollout(id);
        assertThat(f.changedAt(id, 3)).containsOnly(lastRingStarted);
        assertThat(r.finishedAt()).isEqualTo(end);
        assertThat(f.events(id, "completed")).singleElement().satisfies(e -> assertThat(e.at()).isEqualTo(end));
        assertThat(f.notifications).last().satisfies(n -> assertThat(n.at()).isEqualTo(end));
    }

    @Test
    void anActiveIncidentDoesNotHoldAnImmediateRolloutBack() {
        // Given
        f.incidents.put(1, List.of(incident("12", 1)));
        long id = f.start(request(on(), 3, Mode.IMMEDIATE));

        // When
        f.stepNow(id);

        // Then
        assertThat(f.rollout(id).state()).isEqualTo(RolloutState.COMPLETED);
        assertThat(f.gates("c1-1")).contains(ON);
    }

    @Test
    void aFailedCellDoesNotStopTheOthersAndIsListedAtTheEnd() {
        // Given
        f.cells.failing.add("c1-2");
        long id = f.start(request(on(), 3, Mode.IMMEDIATE));

        // When
        f.stepNow(id);

        // Then
        Rollout r = f.rollout(id);
        assertThat(r.state()).isEqualTo(RolloutState.COMPLETED_WITH_FAILURES);
        assertThat(r.reason()).isEqualTo("1 of 10 cells failed");
        assertThat(ALL_CELLS).filteredOn(c -> !c.equals("c1-2")).allSatisfy(c -> assertThat(f.gates(c)).contains(ON));
        assertThat(f.notifications).last().satisfies(n -> {
            assertThat(n.event()).isEqualTo(RolloutNotification.Event.COMPLETED_WITH_FAILURES);
            assertThat(n.failures()).containsExactly("c1-2: unreachable: connection refused");
        });
    }

    @Test
    void aCellWhoseReadBackDoesNotShowTheChangeIsListedAsAFailure() {
        // Given
        f.cells.ignoring.add("c2-1");
        long id = f.start(request(on(), 3, Mode.IMMEDIATE));

        // When
        f.stepNow(id);

        // Then
        assertThat(f.rollout(id).state()).isEqualTo(RolloutState.COMPLETED_WITH_FAILURES);
        assertThat(f.rollout(id).cell("c2-1").status()).isEqualTo(CellStatus.FAILED);
        assertThat(f.notifications).last().satisfies(n -> assertThat(n.failures())
                .containsExactly("c2-1: read-back shows absent, not on"));
    }

    @Test
    void aCellThatCannotBeReadFirstIsStillChangedBecauseMitigationComesFirst() {
        // Given
        f.cells.unreadable.add("c2-1");
        long id = f.start(request(on(), 3, Mode.IMMEDIATE));

        // When
        f.stepNow(id);

        // Then
        assertThat(f.rollout(id).state()).isEqualTo(RolloutState.COMPLETED);
        assertThat(f.gates("c2-1")).contains(ON);
        assertThat(f.rollout(id).cell("c2-1").snapshotTaken()).isFalse();
        assertThat(f.events(id, "snapshot")).filteredOn(e -> e.ring() == 2).singleElement()
                .satisfies(e -> assertThat(e.detail().get("failures")).asList().containsExactly(
                        "c2-1: could not read it before the change: unreachable: connection refused"));
        assertThat(f.cells.reads).as("asked once, while ring 1 was written, not again when its ring starts")
                .filteredOn("c2-1"::equals).hasSize(1);
    }

    @Test
    void eachRingIsReadForItsSnapshotWhileThePreviousRingIsWritten() {
        // Given
        f.cells.set("c2-2", EngineFixture.FLAG, ON);
        long id = f.start(request(on(), 3, Mode.IMMEDIATE));

        // When
        f.stepNow(id);

        // Then: one round reads ring 0 alone; each later round writes a ring and reads the next
        assertThat(f.cells.reads.subList(0, 1)).containsExactly("c0-1");
        assertThat(f.cells.rounds).containsExactly(
                new FakeCells.Round(List.of("c0-1"), List.of("c1-1", "c1-2")),
                new FakeCells.Round(List.of("c1-1", "c1-2"), List.of("c2-1", "c2-2", "c2-3")),
                new FakeCells.Round(List.of("c2-1", "c2-2", "c2-3"), List.of("c3-1", "c3-2", "c3-3", "c3-4")),
                new FakeCells.Round(List.of("c3-1", "c3-2", "c3-3", "c3-4"), List.of()));
        // And every cell's rollback point is what it held before its own ring was written
        Rollout r = f.rollout(id);
        assertThat(ALL_CELLS).allSatisfy(c -> assertThat(r.cell(c).snapshotTaken()).as(c).isTrue());
        assertThat(r.cell("c2-2").snapshot()).contains(ON);
        assertThat(r.cell("c3-1").snapshot()).isEmpty();
        // And the timeline has one snapshot per ring, each before its ring is written
        assertThat(f.events(id, "snapshot")).extracting(TimelineEvent::ring).containsExactly(0, 1, 2, 3);
        assertThat(f.eventTypes(id)).containsSubsequence("snapshot", "ring-apply", "cell-changed", "snapshot",
                "ring-done", "ring-started", "ring-apply");
    }
}
