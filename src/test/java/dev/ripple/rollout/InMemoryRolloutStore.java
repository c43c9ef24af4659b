package dev.ripple.rollout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store as a test fake: keeps only what {@link RolloutStore#save} would persist, so a "restart" (a new engine on
 * the same store) sees exactly what a restarted process would.
 */
final class InMemoryRolloutStore implements RolloutStore {
    private final Map<Long, Rollout> rows = new LinkedHashMap<>();
    private final List<TimelineEvent> events = new ArrayList<>();
    private final Map<String, Long> locks = new LinkedHashMap<>();
    private final Map<String, Long> keys = new LinkedHashMap<>();
    private final Map<String, String> hashes = new LinkedHashMap<>();
    private final Map<Long, String> leases = new LinkedHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong eventIds = new AtomicLong();
    /** Set to make the next row save fail as if someone else changed it first. */
    boolean failNextSave;

    @Override
    public synchronized Created create(RolloutRequest request, String requestHash, List<PlannedRing> plan,
                                       Instant now) {
        if (request.idempotencyKey() != null && keys.containsKey(request.idempotencyKey())) {
            long id = keys.get(request.idempotencyKey());
            if (!hashes.get(request.idempotencyKey()).equals(requestHash)) {
                throw new IdempotencyKeyReuse(request.idempotencyKey(), id);
            }
            return new Created(find(id).orElseThrow(), true);
        }
        if (locks.containsKey(request.flag())) {
            throw new FlagBusyException(request.flag(), locks.get(request.flag()));
        }
        Rollout r = Rollout.start(ids.incrementAndGet(), request, plan, now);
        r.event(now, "created", null, null, request.initiator(), "created", Map.of());
        locks.put(request.flag(), r.id());
        if (request.idempotencyKey() != null) {
            keys.put(request.idempotencyKey(), r.id());
            hashes.put(request.idempotencyKey(), requestHash);
        }
        persist(r);
        return new Created(find(r.id()).orElseThrow(), false);
    }

    private void persist(Rollout r) {
        r.newEvents().forEach(e -> events.add(new TimelineEvent(eventIds.incrementAndGet(), e.rolloutId(), e.at(),
                e.type(), e.ring(), e.cell(), e.actor(), e.message(), e.detail())));
        rows.put(r.id(), copy(r, r.version()));
    }

    private static Rollout copy(Rollout r, long version) {
        return new Rollout(r.id(), r.request(), r.plan(), r.createdAt(), version, r.cells(), r.state(), r.phase(),
                r.ringIndex(), r.reason(), r.bakeUntil(), r.nextCheckAt(), r.nextStepAt(), r.inconclusiveStreak(),
                r.rollbackStarted(), r.finishedAt());
    }

    @Override
    public synchronized boolean isAt(long id, long version) {
        Rollout stored = rows.get(id);
        return stored != null && stored.version() == version;
    }

    @Override
    public synchronized Optional<Rollout> find(long id) {
        return Optional.ofNullable(rows.get(id)).map(r -> copy(r, r.version()));
    }

    @Override
    public synchronized List<RolloutSummary> list(Optional<String> flag, Optional<RolloutState> state, Long beforeId,
                                                  int limit) {
        return rows.values().stream()
                .filter(r -> flag.map(f -> f.equals(r.request().flag())).orElse(true))
                .filter(r -> state.map(s -> s == r.state()).orElse(true))
                .sorted(Comparator.comparingLong(Rollout::id).reversed())
                .limit(limit)
                .map(r -> new RolloutSummary(r.id(), r.request().flag(), r.request().change().describe(),
                        r.request().upToRing(), r.request().mode(), r.state(), r.phase(),
                        r.currentRing().map(PlannedRing::ring).orElse(null), r.reason(), r.request().initiator(),
                        r.createdAt(), r.finishedAt()))
                .toList();
    }

    @Override
    public synchronized List<TimelineEvent> timeline(long id, Long afterId, int limit) {
        return events.stream().filter(e -> e.rolloutId() == id).filter(e -> afterId == null || e.id() > afterId)
                .limit(limit).toList();
    }

    @Override
    public synchronized Optional<Long> activeFor(String flag) {
        return Optional.ofNullable(locks.get(flag));
    }

    @Override
    public synchronized boolean save(Rollout r, String leaseOwner) {
        Rollout stored = rows.get(r.id());
        // Facts first: cells and what happened to them.
        Map<String, CellProgress> merged = new LinkedHashMap<>(stored.cells());
        r.dirtyCells().forEach(c -> merged.put(c.cellId(), c));
        List<TimelineEvent> facts = r.newEvents().stream().filter(e -> RolloutEvents.isFact(e.type())).toList();
        List<TimelineEvent> others = r.newEvents().stream().filter(e -> !RolloutEvents.isFact(e.type())).toList();
        facts.forEach(e -> events.add(withId(e)));
        boolean leaseOk = leaseOwner == null || leaseOwner.equals(leases.get(r.id()));
        if (failNextSave || stored.version() != r.version() || !leaseOk) {
            failNextSave = false;
            rows.put(r.id(), new Rollout(stored.id(), stored.request(), stored.plan(), stored.createdAt(),
                    stored.version(), merged, stored.state(), stored.phase(), stored.ringIndex(), stored.reason(),
                    stored.bakeUntil(), stored.nextCheckAt(), stored.nextStepAt(), stored.inconclusiveStreak(),
                    stored.rollbackStarted(), stored.finishedAt()));
            return false;
        }
        others.forEach(e -> events.add(withId(e)));
        rows.put(r.id(), new Rollout(r.id(), r.request(), r.plan(), r.createdAt(), r.version() + 1, merged, r.state(),
                r.phase(), r.ringIndex(), r.reason(), r.bakeUntil(), r.nextCheckAt(), r.nextStepAt(),
                r.inconclusiveStreak(), r.rollbackStarted(), r.finishedAt()));
        if (r.state().isTerminal()) {
            locks.remove(r.request().flag(), r.id());
        }
        return true;
    }

    private TimelineEvent withId(TimelineEvent e) {
        return new TimelineEvent(eventIds.incrementAndGet(), e.rolloutId(), e.at(), e.type(), e.ring(), e.cell(),
                e.actor(), e.message(), e.detail());
    }

    @Override
    public synchronized List<Long> due(Instant now, int limit) {
        return rows.values().stream().filter(r -> !r.state().isTerminal())
                .filter(r -> r.nextStepAt() != null && !r.nextStepAt().isAfter(now))
                .map(Rollout::id).limit(limit).toList();
    }

    @Override
    public synchronized boolean claim(long id, String owner, Instant now, Instant until) {
        String holder = leases.get(id);
        if (holder != null && !holder.equals(owner)) {
            return false;
        }
        leases.put(id, owner);
        return true;
    }

    @Override
    public synchronized void release(long id, String owner) {
        leases.remove(id, owner);
    }

    synchronized List<TimelineEvent> events(long id) {
        return timeline(id, null, Integer.MAX_VALUE);
    }
}
