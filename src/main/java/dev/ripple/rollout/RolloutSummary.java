package dev.ripple.rollout;

import java.time.Instant;

/** A rollout in a list: what, where it stands, who asked. */
public record RolloutSummary(long id, String flag, String change, int upToRing, Mode mode, RolloutState state,
                             Phase phase, Integer ring, String reason, String initiator, Instant createdAt,
                             Instant finishedAt) {
}
