package dev.ripple.rollout;

/** One cell's progress within a rollout. */
public enum CellStatus {
    /** Not touched yet. */
    PENDING,
    /** Its gates before the change are stored; the change may be in flight. */
    SNAPSHOTTED,
    /** The change was written and a read-back shows it. */
    APPLIED,
    /** The change failed, or the read-back does not show it. */
    FAILED,
    /** Back to its snapshot, checked by a read-back. */
    RESTORED,
    /** Restoring it failed; a human must look. */
    RESTORE_FAILED;

    public String wireName() {
        return name().toLowerCase().replace('_', '-');
    }

    /** Ripple may have changed the cell: a rollback must look at it. */
    public boolean mayBeTouched() {
        return this == SNAPSHOTTED || this == APPLIED || this == FAILED || this == RESTORE_FAILED;
    }
}
