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
}
