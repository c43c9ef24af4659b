package dev.ripple.rollout;

import dev.ripple.notify.RolloutNotification;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Which operator action is valid in which state, and what it does. Anything else is refused with the state. */
final class Operations {
    private Operations() {
    }

    static void apply(RolloutEngine engine, Rollout r, Operation op, String by, String why, Instant now,
                      List<RolloutNotification> notes) {
        RolloutState state = r.state();
        if (state.isTerminal()) {
            throw refused(op, r, "it has ended");
        }
        Integer ring = r.currentRing().map(PlannedRing::ring).orElse(null);
        String suffix = (why == null || why.isBlank() ? "" : ": " + why);
        switch (op) {
            case PAUSE -> {
                require(op, r, state == RolloutState.RUNNING || state == RolloutState.BLOCKED,
                        "only a running or blocked rollout can be paused");
                r.moveTo(RolloutState.PAUSED, "paused by " + by + suffix, now);
                r.nextCheckAt(now.plus(engine.settings().checkEvery()));
                r.nextStepAt(r.nextCheckAt());
            }
            case RESUME -> {
                require(op, r, state == RolloutState.PAUSED
                                || (state == RolloutState.HALTED && !r.rollbackStarted()),
                        state == RolloutState.HALTED ? "a rollback was started; roll back again or abort"
                                : "only a paused or halted rollout can be resumed");
                r.moveTo(RolloutState.RUNNING, null, now);
                r.inconclusiveStreak(0);
                r.nextStepAt(now);
                if (r.phase() == Phase.BAKE) {
                    // Resuming asks for a fresh verdict now, not at the next scheduled check.
                    r.nextCheckAt(now);
                }
            }
            case PROMOTE -> {
                require(op, r, state == RolloutState.RUNNING && r.phase() == Phase.BAKE,
                        "only a rollout baking a ring can be promoted");
                // The bake ends now, but the ring still needs one healthy verdict before the next ring.
                r.bake(now, now);
                r.nextStepAt(now);
            }
            case ABORT -> {
                r.moveTo(RolloutState.ABORTED, "aborted by " + by + suffix, now);
                notes.add(engine.note(r, RolloutNotification.Event.ABORTED, ring, "aborted by " + by + suffix, now,
                        List.of()));
            }
            case ROLLBACK -> {
                require(op, r, state != RolloutState.ROLLING_BACK, "it is already rolling back");
                // Cells whose restore failed get another try.
                r.cells().values().stream().filter(c -> c.status() == CellStatus.RESTORE_FAILED && c.snapshotTaken())
                        .toList()
                        .forEach(c -> r.put(c.failed("restore failed: " + c.error(), c.after(), now)));
                engine.startRollback(r, now, by, "rollback requested by " + by + suffix);
            }
            case RETRY -> {
                boolean failedHere = r.currentRing().map(p -> r.cellsOf(p.ring()).stream()
                        .anyMatch(c -> c.status() == CellStatus.FAILED)).orElse(false);
                require(op, r, state == RolloutState.HALTED && !r.rollbackStarted() && failedHere,
                        "only a rollout halted on failed cells of its current ring can retry them");
                PlannedRing current = r.currentRing().orElseThrow();
                boolean snapshotted = current.cells().stream().allMatch(c -> r.cell(c).snapshotTaken());
                r.phase(snapshotted ? Phase.APPLY : Phase.SNAPSHOT);
                r.moveTo(RolloutState.RUNNING, null, now);
                r.nextStepAt(now);
            }
        }
        r.event(now, op.wireName(), ring, null, by, op.wireName() + " by " + by + suffix,
                Map.of("from", state.wireName()));
    }

    private static void require(Operation op, Rollout r, boolean ok, String why) {
        if (!ok) {
            throw refused(op, r, why);
        }
    }

    private static OperationRefused refused(Operation op, Rollout r, String why) {
        return new OperationRefused("cannot " + op.wireName() + " rollout " + r.id() + " while it is "
                + r.state().wireName() + ": " + why, r.state());
    }
}
