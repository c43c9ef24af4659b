package dev.ripple.rollout;

import dev.ripple.flags.Gates;

import java.time.Instant;
import java.util.Optional;

/**
 * One cell in one rollout: its snapshot (the rollback point), what it held after the change, and the last error.
 *
 * @param snapshotTaken whether {@code snapshot} was read; a snapshot of "flag absent" is {@code Optional.empty()}
 * @param after         the gates read back after the change or the restore
 */
public record CellProgress(String cellId, int ring, CellStatus status, boolean snapshotTaken,
                           Optional<Gates> snapshot, Optional<Gates> after, String error, int attempts,
                           Instant updatedAt) {
    /** How the engine's error begins for a cell that answered, but its read-back does not show what was written. */
    public static final String READ_BACK = "read-back shows";

    public static CellProgress pending(String cellId, int ring) {
        return new CellProgress(cellId, ring, CellStatus.PENDING, false, Optional.empty(), Optional.empty(), null, 0,
                null);
    }

    public CellProgress snapshotted(Optional<Gates> gates, Instant at) {
        return new CellProgress(cellId, ring, CellStatus.SNAPSHOTTED, true, gates, after, null, attempts, at);
    }

    public CellProgress applied(Optional<Gates> observed, Instant at) {
        return new CellProgress(cellId, ring, CellStatus.APPLIED, snapshotTaken, snapshot, observed, null,
                attempts + 1, at);
    }

    public CellProgress failed(String why, Optional<Gates> observed, Instant at) {
        return new CellProgress(cellId, ring, CellStatus.FAILED, snapshotTaken, snapshot, observed, why, attempts + 1,
                at);
    }

    public CellProgress restored(Optional<Gates> observed, Instant at) {
        return new CellProgress(cellId, ring, CellStatus.RESTORED, snapshotTaken, snapshot, observed, null, attempts,
                at);
    }

    public CellProgress restoreFailed(String why, Optional<Gates> observed, Instant at) {
        return new CellProgress(cellId, ring, CellStatus.RESTORE_FAILED, snapshotTaken, snapshot, observed, why,
                attempts, at);
    }

    /**
     * Whether {@code after} is what the cell was read to hold after the last change or restore. False when that call
     * failed without a read-back (a refused or timed-out write, or a read-back that failed after the write was
     * accepted): the cell may then hold its snapshot, the change or anything else, so {@code after} says nothing.
     */
    public boolean afterRead() {
        return switch (status) {
            case APPLIED, RESTORED -> true;
            case FAILED, RESTORE_FAILED -> error != null && error.startsWith(READ_BACK);
            default -> false;
        };
    }
}
