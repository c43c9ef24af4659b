package dev.ripple.rollout;

import dev.ripple.notify.RolloutNotification;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.ripple.rollout.Changes.ON;
import static dev.ripple.rollout.EngineFixture.incident;
import static dev.ripple.rollout.EngineFixture.on;
import static dev.ripple.rollout.EngineFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

/** An active incident on the next ring blocks a gradual rollout before it touches that ring, until it clears. */
class IncidentBlockTest {
    private final EngineFixture f = new EngineFixture();

    @Test
    void anActiveIncidentOnTheNextRingBlocksItBeforeAnythingIsWritten() {
        // Given
        f.incidents.put(1, List.of(incident("12", 1)));
        long id = f.start(request(on(), 3, Mode.GRADUAL));

        // When
        f.stepUntil(id, r -> r.state() == RolloutState.BLOCKED);

        // Then
        Rollout r = f.rollout(id);
        assertThat(r.reason()).isEqualTo("ring 1 has an active incident 12 (sev2, api): Login errors");
        assertThat(r.ringIndex()).isEqualTo(1);
        assertThat(f.cells.writes).containsExactly("c0-1 on");
        assertThat(f.events(id, "blocked")).singleElement().satisfies(e ->
                assertThat(e.detail()).containsEntry("incidents", List.of("12")));
        assertThat(f.notifications).last().satisfies(n -> {
            assertThat(n.event()).isEqualTo(RolloutNotification.Event.BLOCKED);
            assertThat(n.ring()).isEqualTo(1);
        });
    }

    @Test
    void moreThanOneIncidentIsCountedInTheReason() {
        // Given
        f.incidents.put(0, List.of(incident("12", 0), incident("13", 0), incident("14", 0)));
        long id = f.start(request(on(), 3, Mode.GRADUAL));

        // When
        f.stepOnce(id);

        // Then
        assertThat(f.rollout(id).reason()).isEqualTo("ring 0 has an active incident 12 (sev2, api): Login errors"
                + " (+2 more)");
    }

    @Test
    void anIncidentOnAnotherRingDoesNotBlock() {
        // Given
        f.incidents.put(3, List.of(incident("12", 3)));
        long id = f.start(request(on(), 1, Mode.GRADUAL));

        // When
        RolloutState end = f.runUntilSettled(id, 500);

        // Then
        assertThat(end).isEqualTo(RolloutState.COMPLETED);
    }

    @Test
    void aBlockedRolloutLooksAgainEveryHalfMinuteWithoutTellingAnyoneTwice() {
        // Given
        f.incidents.put(0, List.of(incident("12", 0)));
        long id = f.start(request(on(), 3, Mode.GRADUAL));
        f.stepOnce(id);

        // When ten more looks
        f.runUntilSettled(id, 10);

        // Then
        assertThat(f.rollout(id).state()).isEqualTo(RolloutState.BLOCKED);
        assertThat(f.clock.instant()).isEqualTo(EngineFixture.START.plus(Duration.ofMinutes(5)));
        assertThat(f.events(id, "blocked")).hasSize(1);
        assertThat(f.notified()).containsExactly(RolloutNotification.Event.BLOCKED);
        assertThat(f.cells.writes).isEmpty();
    }

    @Test
    void aBlockedRolloutCarriesOnByItselfOnceTheIncidentClears() {
        // Given
        f.incidents.put(1, List.of(incident("12", 1)));
        long id = f.start(request(on(), 1, Mode.GRADUAL));
        f.stepUntil(id, r -> r.state() == RolloutState.BLOCKED);
        f.incidents.clear();

        // When
        RolloutState end = f.runUntilSettled(id, 500);

        // Then
        assertThat(end).isEqualTo(RolloutState.COMPLETED);
        assertThat(f.gates("c1-2")).contains(ON);
        assertThat(f.eventTypes(id)).containsSubsequence("blocked", "unblocked", "check", "snapshot", "cell-changed");
    }

    @Test
    void aRingWhoseIncidentClearedMustStillPassItsChecksFirst() {
        // Given
        f.incidents.put(1, List.of(incident("12", 1)));
        long id = f.start(request(on(), 3, Mode.GRADUAL));
        f.stepUntil(id, r -> r.state() == RolloutState.BLOCKED);
        f.incidents.clear();
        f.metrics.errors(1, 0.03);

        // When
        f.stepUntil(id, r -> r.state() == RolloutState.HALTED);

        // Then
        assertThat(f.rollout(id).reason()).isEqualTo("preflight: errors on ring 1 0.03 > halt 0.02");
        assertThat(f.gates("c1-1")).isEmpty();
    }

    @Test
    void aBlockedRolloutStillRollsBackWhenAnEarlierRingGoesBad() {
        // Given
        f.incidents.put(1, List.of(incident("12", 1)));
        long id = f.start(request(on(), 3, Mode.GRADUAL));
        f.stepUntil(id, r -> r.state() == RolloutState.BLOCKED);
        f.metrics.errors(0, 0.06);

        // When
        RolloutState end = f.runUntilSettled(id, 50);

        // Then
        assertThat(end).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(f.gates("c0-1")).isEmpty();
    }

    @Test
    void aPausedBlockedRolloutLooksAtItsIncidentsAgainWhenResumed() {
        // Given
        f.incidents.put(0, List.of(incident("12", 0)));
        long id = f.start(request(on(), 3, Mode.GRADUAL));
        f.stepOnce(id);
        f.engine.operate(id, Operation.PAUSE, "bob", null);

        // When
        f.engine.operate(id, Operation.RESUME, "bob", null);
        f.stepNow(id);

        // Then
        assertThat(f.rollout(id).state()).isEqualTo(RolloutState.BLOCKED);
        assertThat(f.cells.writes).isEmpty();
    }
}
