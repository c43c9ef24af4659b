package dev.ripple.rollout.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.audit.GateChangeJournal;
import dev.ripple.flags.GateChange;
import dev.ripple.rollout.FlagChange;
import dev.ripple.rollout.Mode;
import dev.ripple.rollout.Phase;
import dev.ripple.rollout.PlannedRing;
import dev.ripple.rollout.Rollout;
import dev.ripple.rollout.RolloutRequest;
import dev.ripple.rollout.RolloutState;
import dev.ripple.rollout.RolloutStore;
import dev.ripple.rollout.RolloutSummary;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A list of rollouts reads the listed columns, not each rollout's plan, and names the ring each rollout is at from
 * the plans the store keeps parsed, or, for rollouts it never loaded (another instance's, or after a restart), from
 * their plans read for the list.
 */
@QuarkusTest
class RolloutListTest {
    // Far ahead of the real clock, so the application's own driver never finds these rollouts due.
    private static final Instant START = Instant.parse("2100-01-01T00:00:00Z");

    @Inject
    RolloutStore store;
    @Inject
    ObjectMapper json;
    @Inject
    EntityManager em;
    @Inject
    Clock clock;
    @Inject
    GateChangeJournal gateChanges;

    @Test
    void aListedRolloutNamesTheRingItIsAtWhetherThisInstanceKeptItsPlanOrNot() {
        // Given two rollouts of one flag over rings 0, 2 and 3 (ring 1 skipped): one that ended, and a newer one
        // saved at the second ring of its plan
        String flag = "list_probe_" + Long.toHexString(System.nanoTime());
        long done = createAtRing(flag, 3, RolloutState.COMPLETED);
        long atRing2 = createAtRing(flag, 1, RolloutState.RUNNING);

        // When this instance lists them, and another instance that never loaded either does
        List<RolloutSummary> here = store.list(Optional.of(flag), Optional.empty(), null, 10);
        List<RolloutSummary> elsewhere = new JpaRolloutStore(json, em, clock, gateChanges)
                .list(Optional.of(flag), Optional.empty(), null, 10);

        // Then both name the ring each one is at (none once the plan is done), newest first, with the listed fields
        for (List<RolloutSummary> list : List.of(here, elsewhere)) {
            assertThat(list).extracting(RolloutSummary::id).containsExactly(atRing2, done);
            assertThat(list).extracting(RolloutSummary::ring).containsExactly(2, null);
            assertThat(list).extracting(RolloutSummary::state)
                    .containsExactly(RolloutState.RUNNING, RolloutState.COMPLETED);
            RolloutSummary running = list.get(0);
            assertThat(running.flag()).isEqualTo(flag);
            assertThat(running.change()).isEqualTo("on");
            assertThat(running.upToRing()).isEqualTo(3);
            assertThat(running.mode()).isEqualTo(Mode.IMMEDIATE);
            assertThat(running.phase()).isEqualTo(Phase.APPLY);
            assertThat(running.initiator()).isEqualTo("alice");
            assertThat(running.createdAt()).isEqualTo(START);
        }
        // And a page after the newest one holds the older one alone
        assertThat(store.list(Optional.of(flag), Optional.empty(), atRing2, 10)).extracting(RolloutSummary::id)
                .containsExactly(done);
    }

    private long createAtRing(String flag, int ringIndex, RolloutState state) {
        RolloutRequest request = new RolloutRequest(flag, new FlagChange.Gate(new GateChange.SetBoolean(true)), 3,
                Mode.IMMEDIATE, List.of(), "alice", "testing", null, null);
        List<PlannedRing> plan = List.of(ring(0, "c-0-1"), ring(2, "c-2-1"), ring(3, "c-3-1"));
        Rollout created = store.create(request, "hash-" + flag + ringIndex, plan, START).rollout();
        Rollout moved = new Rollout(created.id(), request, plan, created.createdAt(), created.version(),
                created.cells(), state, Phase.APPLY, ringIndex, null, null, null,
                state.isTerminal() ? null : START, 0, false, state.isTerminal() ? START : null);
        assertThat(store.save(moved, null)).isTrue();
        return created.id();
    }

    private static PlannedRing ring(int ring, String cell) {
        return new PlannedRing(ring, "ring " + ring, List.of(cell), Duration.ZERO, List.of());
    }
}
