package dev.ripple.rollout;

import java.util.List;

/**
 * What was asked: one change to one flag, up to a ring, in a mode, by someone, for a reason.
 *
 * @param upToRing       the outermost ring to reach; {@code -1} when single quarantine cells are targeted
 * @param cells          single quarantine cells to target instead of rings; empty for a ring rollout
 * @param issue          the rollout issue link, if any
 * @param idempotencyKey a repeated request with the same key returns the same rollout
 */
public record RolloutRequest(String flag, FlagChange change, int upToRing, Mode mode, List<String> cells,
                             String initiator, String reason, String issue, String idempotencyKey) {
    public RolloutRequest {
        cells = cells == null ? List.of() : List.copyOf(cells);
    }
}
