package dev.ripple.notify;

import java.time.Instant;
import java.util.List;

/**
 * One entry of the feature-flag log: one gate change applied to one ring (or undone there by a rollback), titled the
 * way engineers read GitLab's log, {@code Feature flag 'x' set to '25%' of actors on ring 2}.
 *
 * @param action         {@code change}, or {@code rollback} when a rollback restored the ring
 * @param change         the rollout's gate change as a person reads it ({@code 25% of actors})
 * @param cellsChanged   cells whose gates changed, as {@code cell: before → after}
 * @param cellsFailed    cells the write failed on, as {@code cell: error}
 * @param cellsUnchanged cells that already held what was written
 * @param rolloutIssue   the rollout issue link, if the rollout names one
 */
public record FlagLogEntry(String title, String flag, int ring, String action, String change, String rolloutId,
                           String mode, int upToRing, String requestedBy, String reason, String rolloutIssue,
                           List<String> cellsChanged, List<String> cellsFailed, int cellsUnchanged, Instant at) {
    public static final String CHANGE = "change";
    public static final String ROLLBACK = "rollback";

    public FlagLogEntry {
        cellsChanged = cellsChanged == null ? List.of() : List.copyOf(cellsChanged);
        cellsFailed = cellsFailed == null ? List.of() : List.copyOf(cellsFailed);
    }

    /** As a notification for the webhook sinks (event {@code flag-log}). */
    public RolloutNotification notification() {
        return new RolloutNotification(RolloutNotification.Event.FLAG_LOG, rolloutId, flag, change, upToRing, mode,
                requestedBy, ring, title, at, cellsFailed, this);
    }
}
