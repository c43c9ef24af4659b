package dev.ripple.rollout;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.ripple.rollout.EngineFixture.FLAG;
import static dev.ripple.rollout.EngineFixture.on;
import static dev.ripple.rollout.EngineFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** One active rollout per flag, and idempotency keys, through the planner and the store. */
class RolloutCreationTest {
    private final EngineFixture f = new EngineFixture();

    @Test
    void aFlagWithAnActiveRolloutRefusesASecondOneNamingTheActiveOne() {
        // Given
        long active = f.start(request(on(), 3, Mode.GRADUAL));

        // When
        FlagBusyException busy = catchThrowableOfType(FlagBusyException.class,
                () -> f.start(request(on(), 3, Mode.IMMEDIATE)));

        // Then
        assertThat(busy.activeId()).isEqualTo(active);
        assertThat(busy).hasMessage("flag '" + FLAG + "' already has an active rollout: " + active);
    }

    @Test
    void anotherFlagCanRollOutMeanwhile() {
        // Given
        f.start(request(on(), 3, Mode.GRADUAL));

        // When
        long other = f.start(new RolloutRequest("other_flag", on(), 3, Mode.GRADUAL, List.of(), "alice", "r", null,
                null));

        // Then
        assertThat(f.store.activeFor("other_flag")).contains(other);
    }

    @Test
    void aFlagIsFreeAgainOnceItsRolloutHasEnded() {
        // Given
        long first = f.start(request(on(), 3, Mode.IMMEDIATE));
        f.stepNow(first);

        // When
        long second = f.start(request(on(), 3, Mode.GRADUAL));

        // Then
        assertThat(second).isNotEqualTo(first);
        assertThat(f.store.activeFor(FLAG)).contains(second);
    }

    @Test
    void theSameKeyWithTheSameRequestReturnsTheSameRollout() {
        // Given
        RolloutStore.Created first = create(keyed("deploy-42"), "hash-a");

        // When
        RolloutStore.Created again = create(keyed("deploy-42"), "hash-a");

        // Then
        assertThat(again.existing()).isTrue();
        assertThat(again.rollout().id()).isEqualTo(first.rollout().id());
        assertThat(first.existing()).isFalse();
    }

    @Test
    void theSameKeyWithADifferentRequestIsRefusedNamingTheFirstRollout() {
        // Given
        long first = create(keyed("deploy-42"), "hash-a").rollout().id();

        // When
        IdempotencyKeyReuse reuse = catchThrowableOfType(IdempotencyKeyReuse.class,
                () -> create(keyed("deploy-42"), "hash-b"));

        // Then
        assertThat(reuse.rolloutId()).isEqualTo(first);
        assertThat(reuse).hasMessageContaining("'deploy-42'");
    }

    private RolloutStore.Created create(RolloutRequest request, String hash) {
        return f.store.create(request, hash, Planner.plan(f.topology, request), f.clock.instant());
    }

    private static RolloutRequest keyed(String key) {
        return new RolloutRequest(FLAG, on(), 3, Mode.GRADUAL, List.of(), "alice", "r", null, key);
    }
}
