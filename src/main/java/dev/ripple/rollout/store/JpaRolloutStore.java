package dev.ripple.rollout.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.audit.GateChangeJournal;
import dev.ripple.flags.Gates;
import dev.ripple.rollout.CellProgress;
import dev.ripple.rollout.CellStatus;
import dev.ripple.rollout.ChangeSpec;
import dev.ripple.rollout.DesiredGates;
import dev.ripple.rollout.FlagBusyException;
import dev.ripple.rollout.IdempotencyKeyReuse;
import dev.ripple.rollout.Mode;
import dev.ripple.rollout.Phase;
import dev.ripple.rollout.PlannedRing;
import dev.ripple.rollout.Rollout;
import dev.ripple.rollout.RolloutEvents;
import dev.ripple.rollout.RolloutRequest;
import dev.ripple.rollout.RolloutState;
import dev.ripple.rollout.RolloutStore;
import dev.ripple.rollout.RolloutSummary;
import dev.ripple.rollout.TimelineEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceException;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rollouts in the database (PostgreSQL in production, H2 by default). Cell facts and their events commit in their own
 * transaction before the row, so a lost race for the row never loses what happened to a cell. The row is updated
 * under a row lock and only if its version (and, for the engine, its lease) still match.
 */
@ApplicationScoped
public class JpaRolloutStore implements RolloutStore, DesiredGates {
    private static final List<String> ACTIVE = List.of(RolloutState.RUNNING.name(), RolloutState.BLOCKED.name(),
            RolloutState.PAUSED.name(), RolloutState.HALTED.name(), RolloutState.ROLLING_BACK.name());
    private static final TypeReference<List<PlannedRing>> PLAN = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, Object>> DETAIL = new TypeReference<>() {
    };

    private static final int IN_LIST_CHUNK = 500;

    private final ObjectMapper json;
    private final EntityManager em;
    private final Clock clock;
    private final GateChangeJournal gateChanges;
    private final Map<String, Gates> parsedGates = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Gates, String> gatesText = new java.util.concurrent.ConcurrentHashMap<>();

    JpaRolloutStore(ObjectMapper json, EntityManager em, Clock clock, GateChangeJournal gateChanges) {
        this.json = json;
        this.em = em;
        this.clock = clock;
        this.gateChanges = gateChanges;
    }

    @Override
    public Created create(RolloutRequest request, String requestHash, List<PlannedRing> plan, Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                if (request.idempotencyKey() != null) {
                    Optional<Created> existing = byKey(request.idempotencyKey(), requestHash);
                    if (existing.isPresent()) {
                        return existing.get();
                    }
                }
                FlagLockRecord lock = em.find(FlagLockRecord.class, request.flag());
                if (lock != null) {
                    throw new FlagBusyException(request.flag(), lock.rolloutId);
                }
                RolloutRecord row = new RolloutRecord();
                row.flag = request.flag();
                row.changeJson = write(ChangeSpec.of(request.change()));
                row.upToRing = request.upToRing();
                row.mode = request.mode().name();
                row.targetCells = request.cells().isEmpty() ? null : write(request.cells());
                row.initiator = request.initiator();
                row.reason = request.reason();
                row.issue = request.issue();
                row.idempotencyKey = request.idempotencyKey();
                row.requestHash = requestHash;
                row.planJson = write(plan);
                row.createdAt = at;
                row.updatedAt = at;
                row.state = RolloutState.RUNNING.name();
                row.phase = Phase.PREFLIGHT.name();
                em.persist(row);
                em.flush();
                Rollout rollout = Rollout.start(row.id, request, plan, at);
                copyState(rollout, row);
                FlagLockRecord newLock = new FlagLockRecord();
                newLock.flag = request.flag();
                newLock.rolloutId = row.id;
                em.persist(newLock);
                rollout.dirtyCells().forEach(c -> em.persist(cellRecord(rollout.id(), c)));
                em.persist(event(new TimelineEvent(null, row.id, at, "created", null, null, request.initiator(),
                        request.initiator() + " asked for " + request.change().describe() + " on " + request.flag()
                                + (request.cells().isEmpty() ? " up to ring " + request.upToRing()
                                : " on " + String.join(", ", request.cells()))
                                + " (" + request.mode().wireName() + ")"
                                + (request.reason() == null ? "" : ": " + request.reason()), Map.of())));
                return new Created(load(row), false);
            });
        } catch (PersistenceException e) {
            // Another instance took the flag's lock or the key between our check and our commit.
            if (request.idempotencyKey() != null) {
                Optional<Created> existing = QuarkusTransaction.requiringNew()
                        .call(() -> byKey(request.idempotencyKey(), requestHash));
                if (existing.isPresent()) {
                    return existing.get();
                }
            }
            Optional<Long> active = activeFor(request.flag());
            if (active.isPresent()) {
                throw new FlagBusyException(request.flag(), active.get());
            }
            throw e;
        }
    }

    private Optional<Created> byKey(String key, String requestHash) {
        List<RolloutRecord> found = em.createQuery("from RolloutRecord where idempotencyKey = :k", RolloutRecord.class)
                .setParameter("k", key).getResultList();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        RolloutRecord row = found.get(0);
        if (!row.requestHash.equals(requestHash)) {
            throw new IdempotencyKeyReuse(key, row.id);
        }
        return Optional.of(new Created(load(row), true));
    }

    @Override
    public Optional<Rollout> find(long id) {
        return QuarkusTransaction.joiningExisting().call(() -> Optional.ofNullable(em.find(RolloutRecord.class, id))
                .map(this::load));
    }

    @Override
    public List<RolloutSummary> list(Optional<String> flag, Optional<RolloutState> state, Long beforeId, int limit) {
        return QuarkusTransaction.joiningExisting().call(() -> {
            StringBuilder q = new StringBuilder("from RolloutRecord where 1 = 1");
            Map<String, Object> params = new HashMap<>();
            flag.ifPresent(f -> {
                q.append(" and flag = :flag");
                params.put("flag", f);
            });
            state.ifPresent(s -> {
                q.append(" and state = :state");
                params.put("state", s.name());
            });
            if (beforeId != null) {
                q.append(" and id < :before");
                params.put("before", beforeId);
            }
            q.append(" order by id desc");
            var query = em.createQuery(q.toString(), RolloutRecord.class).setMaxResults(limit);
            params.forEach(query::setParameter);
            return query.getResultList().stream().map(this::summary).toList();
        });
    }

    private RolloutSummary summary(RolloutRecord row) {
        List<PlannedRing> plan = read(row.planJson, PLAN);
        Integer ring = row.ringIndex < plan.size() ? plan.get(row.ringIndex).ring() : null;
        return new RolloutSummary(row.id, row.flag, read(row.changeJson, ChangeSpec.class).toChange().describe(),
                row.upToRing, Mode.valueOf(row.mode), RolloutState.valueOf(row.state), Phase.valueOf(row.phase),
                ring, row.stateReason, row.initiator, row.createdAt, row.finishedAt);
    }

    @Override
    public List<TimelineEvent> timeline(long id, Long afterId, int limit) {
        return QuarkusTransaction.joiningExisting().call(() -> em.createQuery(
                        "from RolloutEventRecord where rolloutId = :id and id > :after order by id",
                        RolloutEventRecord.class)
                .setParameter("id", id).setParameter("after", afterId == null ? 0L : afterId)
                .setMaxResults(limit).getResultList().stream()
                .map(e -> new TimelineEvent(e.id, e.rolloutId, e.at, e.type, e.ring, e.cell, e.actor, e.message,
                        e.detailJson == null ? Map.of() : read(e.detailJson, DETAIL)))
                .toList());
    }

    @Override
    public Optional<Long> activeFor(String flag) {
        return QuarkusTransaction.joiningExisting().call(() -> Optional.ofNullable(em.find(FlagLockRecord.class, flag))
                .map(l -> l.rolloutId));
    }

    @Override
    public boolean save(Rollout rollout, String leaseOwner) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<CellProgress> dirty = rollout.dirtyCells();
        List<TimelineEvent> events = rollout.newEvents();
        QuarkusTransaction.requiringNew().run(() -> {
            if (!dirty.isEmpty()) {
                // Only the rows of the cells this step changed (a ring, not the whole plan), a few queries per save
                // rather than one lookup per cell.
                Map<String, RolloutCellRecord> rows = new HashMap<>();
                List<String> dirtyIds = dirty.stream().map(CellProgress::cellId).toList();
                forChunks(dirtyIds, ids -> em.createQuery("from RolloutCellRecord where rolloutId = :id"
                                + " and cellId in :cells", RolloutCellRecord.class)
                        .setParameter("id", rollout.id()).setParameter("cells", ids).getResultList()
                        .forEach(c -> rows.put(c.cellId, c)));
                Map<String, DesiredGateRecord> desired = new HashMap<>();
                List<String> setting = dirty.stream().filter(JpaRolloutStore::setsGates).map(CellProgress::cellId)
                        .toList();
                forChunks(setting, ids -> em.createQuery("from DesiredGateRecord where flag = :flag"
                                + " and cellId in :cells", DesiredGateRecord.class)
                        .setParameter("flag", rollout.request().flag()).setParameter("cells", ids).getResultList()
                        .forEach(d -> desired.put(d.cellId, d)));
                for (CellProgress c : dirty) {
                    RolloutCellRecord row = rows.get(c.cellId());
                    if (row == null) {
                        em.persist(cellRecord(rollout.id(), c));
                    } else {
                        fill(row, c);
                    }
                    if (setsGates(c)) {
                        desired(rollout, c, now, desired.get(c.cellId()));
                    }
                }
            }
            List<TimelineEvent> facts = events.stream().filter(e -> RolloutEvents.isFact(e.type())).toList();
            facts.forEach(e -> em.persist(event(e)));
            // The audit's gate changes commit with the facts they are derived from, never one without the other.
            gateChanges.record(rollout, facts);
        });
        return QuarkusTransaction.requiringNew().call(() -> {
            RolloutRecord row = em.find(RolloutRecord.class, rollout.id(), LockModeType.PESSIMISTIC_WRITE);
            if (row == null || row.version != rollout.version()
                    || (leaseOwner != null && !leaseOwner.equals(row.leaseOwner))) {
                return false;
            }
            copyState(rollout, row);
            row.version = rollout.version() + 1;
            row.updatedAt = now;
            events.stream().filter(e -> !RolloutEvents.isFact(e.type())).forEach(e -> em.persist(event(e)));
            if (rollout.state().isTerminal()) {
                FlagLockRecord lock = em.find(FlagLockRecord.class, rollout.request().flag());
                if (lock != null && lock.rolloutId == rollout.id()) {
                    em.remove(lock);
                }
            }
            return true;
        });
    }

    /** Runs {@code query} over {@code ids} in pieces small enough for any database's limit on IN-list parameters. */
    private static void forChunks(List<String> ids, java.util.function.Consumer<List<String>> query) {
        for (int from = 0; from < ids.size(); from += IN_LIST_CHUNK) {
            query.accept(ids.subList(from, Math.min(ids.size(), from + IN_LIST_CHUNK)));
        }
    }

    /** A cell Ripple has just set (or restored) and verified: what it holds is what Ripple wants there. */
    private static boolean setsGates(CellProgress c) {
        return c.status() == CellStatus.APPLIED || c.status() == CellStatus.RESTORED;
    }

    private void desired(Rollout rollout, CellProgress c, Instant now, DesiredGateRecord existing) {
        DesiredGateRecord row = existing;
        boolean fresh = row == null;
        if (fresh) {
            row = new DesiredGateRecord();
            row.cellId = c.cellId();
            row.flag = rollout.request().flag();
        }
        row.present = c.after().isPresent();
        row.gatesJson = c.after().map(this::write).orElse(null);
        row.rolloutId = rollout.id();
        row.setAt = now;
        if (fresh) {
            em.persist(row);
        }
    }

    @Override
    public Map<String, Optional<Gates>> desiredFor(String flag) {
        return QuarkusTransaction.joiningExisting().call(() -> {
            Map<String, Optional<Gates>> out = new LinkedHashMap<>();
            em.createQuery("from DesiredGateRecord where flag = :flag", DesiredGateRecord.class)
                    .setParameter("flag", flag).getResultList()
                    .forEach(d -> out.put(d.cellId, d.present ? Optional.of(read(d.gatesJson, Gates.class))
                            : Optional.empty()));
            return out;
        });
    }

    @Override
    public List<Long> due(Instant now, int limit) {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                        "select id from RolloutRecord where state in :active and nextStepAt <= :now"
                                + " and (leaseUntil is null or leaseUntil < :now) order by nextStepAt", Long.class)
                .setParameter("active", ACTIVE).setParameter("now", now).setMaxResults(limit).getResultList());
    }

    @Override
    public boolean claim(long id, String owner, Instant now, Instant until) {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                        "update RolloutRecord set leaseOwner = :owner, leaseUntil = :until where id = :id"
                                + " and (leaseOwner is null or leaseOwner = :owner or leaseUntil < :now)")
                .setParameter("owner", owner).setParameter("until", until).setParameter("id", id)
                .setParameter("now", now).executeUpdate() == 1);
    }

    @Override
    public void release(long id, String owner) {
        QuarkusTransaction.requiringNew().run(() -> em.createQuery(
                        "update RolloutRecord set leaseOwner = null, leaseUntil = null where id = :id"
                                + " and leaseOwner = :owner")
                .setParameter("id", id).setParameter("owner", owner).executeUpdate());
    }

    @Override
    public Map<RolloutState, Long> countByState() {
        return QuarkusTransaction.requiringNew().call(() -> {
            Map<RolloutState, Long> counts = new java.util.EnumMap<>(RolloutState.class);
            for (RolloutState s : RolloutState.values()) {
                counts.put(s, 0L);
            }
            em.createQuery("select state, count(*) from RolloutRecord group by state", Object[].class)
                    .getResultList().forEach(row -> counts.put(RolloutState.valueOf((String) row[0]),
                            ((Number) row[1]).longValue()));
            return counts;
        });
    }

    // ---- mapping -------------------------------------------------------------------------------------------------

    private Rollout load(RolloutRecord row) {
        Map<String, CellProgress> cells = new LinkedHashMap<>();
        List<PlannedRing> plan = read(row.planJson, PLAN);
        Map<String, RolloutCellRecord> byId = new HashMap<>();
        em.createQuery("from RolloutCellRecord where rolloutId = :id", RolloutCellRecord.class)
                .setParameter("id", row.id).getResultList().forEach(c -> byId.put(c.cellId, c));
        plan.forEach(p -> p.cells().forEach(id -> {
            RolloutCellRecord c = byId.get(id);
            cells.put(id, c == null ? CellProgress.pending(id, p.ring()) : new CellProgress(c.cellId, c.ring,
                    CellStatus.valueOf(c.status), c.snapshotTaken, gates(c.snapshotJson), gates(c.afterJson),
                    c.error, c.attempts, c.updatedAt));
        }));
        RolloutRequest request = new RolloutRequest(row.flag, read(row.changeJson, ChangeSpec.class).toChange(),
                row.upToRing, Mode.valueOf(row.mode), row.targetCells == null ? List.of()
                : read(row.targetCells, STRINGS), row.initiator, row.reason, row.issue, row.idempotencyKey);
        return new Rollout(row.id, request, plan, row.createdAt, row.version, cells, RolloutState.valueOf(row.state),
                Phase.valueOf(row.phase), row.ringIndex, row.stateReason, row.bakeUntil, row.nextCheckAt,
                row.nextStepAt, row.inconclusiveStreak, row.rollbackStarted, row.finishedAt);
    }

    private static void copyState(Rollout r, RolloutRecord row) {
        row.state = r.state().name();
        row.phase = r.phase().name();
        row.ringIndex = r.ringIndex();
        row.stateReason = truncate(r.reason(), 8000);
        row.bakeUntil = micros(r.bakeUntil());
        row.nextCheckAt = micros(r.nextCheckAt());
        row.nextStepAt = micros(r.nextStepAt());
        row.inconclusiveStreak = r.inconclusiveStreak();
        row.rollbackStarted = r.rollbackStarted();
        row.finishedAt = micros(r.finishedAt());
    }

    private RolloutCellRecord cellRecord(long rolloutId, CellProgress c) {
        RolloutCellRecord row = new RolloutCellRecord();
        row.rolloutId = rolloutId;
        row.cellId = c.cellId();
        fill(row, c);
        return row;
    }

    private void fill(RolloutCellRecord row, CellProgress c) {
        row.ring = c.ring();
        row.status = c.status().name();
        row.snapshotTaken = c.snapshotTaken();
        row.snapshotJson = c.snapshotTaken() ? gatesJson(c.snapshot()) : null;
        row.afterJson = gatesJson(c.after());
        row.error = truncate(c.error(), 4000);
        row.attempts = c.attempts();
        row.updatedAt = micros(c.updatedAt());
    }

    private RolloutEventRecord event(TimelineEvent e) {
        RolloutEventRecord row = new RolloutEventRecord();
        row.rolloutId = e.rolloutId();
        row.at = micros(e.at());
        row.type = e.type();
        row.ring = e.ring();
        row.cell = e.cell();
        row.actor = e.actor();
        row.message = truncate(e.message(), 8000);
        row.detailJson = e.detail().isEmpty() ? null : write(e.detail());
        return row;
    }

    /** {@code null}: absent flag; otherwise the gates. Snapshots that were never taken are stored as SQL null. */
    private String gatesJson(Optional<Gates> gates) {
        return gates.isEmpty() ? "null" : remember(gatesText, gates.get(), this::write);
    }

    private Optional<Gates> gates(String text) {
        return text == null || text.equals("null") ? Optional.empty()
                : Optional.of(remember(parsedGates, text, t -> read(t, Gates.class)));
    }

    /**
     * Every step loads and saves each cell's gates, and across a fleet they take a handful of values: each is
     * converted once, not once per cell and step. Bounded for a fleet of unusually varied gates.
     */
    private static <K, V> V remember(Map<K, V> memo, K key, java.util.function.Function<K, V> convert) {
        V known = memo.get(key);
        if (known != null) {
            return known;
        }
        if (memo.size() >= 10_000) {
            memo.clear();
        }
        V value = convert.apply(key);
        memo.put(key, value);
        return value;
    }

    private static Instant micros(Instant at) {
        return at == null ? null : at.truncatedTo(ChronoUnit.MICROS);
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    private <T> T read(String text, Class<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable stored " + type.getSimpleName() + ": " + e.getOriginalMessage(),
                    e);
        }
    }

    private <T> T read(String text, TypeReference<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable stored value: " + e.getOriginalMessage(), e);
        }
    }

}
