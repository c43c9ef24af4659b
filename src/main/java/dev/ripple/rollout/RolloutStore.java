package dev.ripple.rollout;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where rollouts live between steps. Facts (cell progress and the events that report it) are written first and
 * unconditionally, since they describe what already happened to cells; the rollout row is written only if nobody
 * changed it since it was loaded, so an operator's action and the engine never overwrite each other.
 */
public interface RolloutStore {

    /**
     * Creates a rollout at the start of its plan and takes its flag's lock, in one transaction.
     *
     * @throws FlagBusyException        another rollout of the flag is active
     * @throws IdempotencyKeyReuse      the key was used by a different request
     */
    Created create(RolloutRequest request, String requestHash, List<PlannedRing> plan, Instant now);

    record Created(Rollout rollout, boolean existing) {
    }

    Optional<Rollout> find(long id);

    /**
     * True when the stored rollout is still at {@code version}: nobody saved it since, so a copy saved at that version
     * is what {@link #find} would load. A store that cannot tell cheaply answers false, and the engine loads.
     */
    default boolean isAt(long id, long version) {
        return false;
    }

    List<RolloutSummary> list(Optional<String> flag, Optional<RolloutState> state, Long beforeId, int limit);

    List<TimelineEvent> timeline(long id, Long afterId, int limit);

    /** The active rollout of a flag, if any. */
    Optional<Long> activeFor(String flag);

    /**
     * Saves what a step or an operator did. {@code leaseOwner}, when given, must still hold the rollout's lease.
     *
     * @return false when the row changed since {@code rollout} was loaded (or the lease was lost): the facts are kept,
     * the state change is not, and the caller reloads
     */
    boolean save(Rollout rollout, String leaseOwner);

    /** Rollouts the engine should step now, oldest first, whose lease is free. */
    List<Long> due(Instant now, int limit);

    /** Takes or renews the lease on a rollout until {@code until}; false when another owner holds a live lease. */
    boolean claim(long id, String owner, Instant now, Instant until);

    void release(long id, String owner);

    /** How many rollouts are in each state, for the {@code ripple.rollouts} gauge. */
    default java.util.Map<RolloutState, Long> countByState() {
        return java.util.Map.of();
    }
}
