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
import java.util.ArrayList;
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
    private static final int PLANS = 256;
    private static final TypeReference<List<PlannedRing>> PLAN = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, Object>> DETAIL = new TypeReference<>() {
    };

    private final ObjectMapper json;
    private final EntityManager em;
    private final Clock clock;
    private final GateChangeJournal gateChanges;
    private final Map<String, Gates> parsedGates = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Gates, String> gatesText = new java.util.concurrent.ConcurrentHashMap<>();
    /** Parsed plans of the rollouts most recently used, the least recently used dropped past {@link #PLANS}. */
    private final Map<Long, ParsedPlan> plans = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ParsedPlan> eldest) {
            return size() > PLANS;
        }
    };

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
                em.unwrap(org.hibernate.Session.class).doWork(connection -> insertCells(connection, rollout.id(),
                        rollout.dirtyCells()));
                insertEvents(List.of(new TimelineEvent(null, row.id, at, "created", null, null, request.initiator(),
                        request.initiator() + " asked for " + request.change().describe() + " on " + request.flag()
                                + (request.cells().isEmpty() ? " up to ring " + request.upToRing()
                                : " on " + String.join(", ", request.cells()))
                                + " (" + request.mode().wireName() + ")"
                                + (request.reason() == null ? "" : ": " + request.reason()), Map.of())));
                // What was just inserted, without reading a thousand rows back.
                return new Created(assemble(row, plan, rollout.cells()), false);
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
    public boolean isAt(long id, long version) {
        return QuarkusTransaction.joiningExisting().call(() -> em.createQuery(
                        "select version from RolloutRecord where id = :id", Long.class)
                .setParameter("id", id).getResultStream().findFirst().map(v -> v == version).orElse(false));
    }

    /**
     * Reads the listed columns only, not the plan: a thousand cells' plan is tens of kilobytes, a list of 50 rollouts
     * read them all (and a poll of one rollout its whole plan) to name the ring each one is at. That comes from the
     * plans kept parsed; the plans of rollouts not kept are read in one query.
     */
    @Override
    public List<RolloutSummary> list(Optional<String> flag, Optional<RolloutState> state, Long beforeId, int limit) {
        return QuarkusTransaction.joiningExisting().call(() -> {
            StringBuilder q = new StringBuilder("select new " + ListedRow.class.getName() + "(r.id, r.flag, "
                    + "r.changeJson, r.upToRing, r.mode, r.state, r.phase, r.ringIndex, r.stateReason, r.initiator, "
                    + "r.createdAt, r.finishedAt) from RolloutRecord r where 1 = 1");
            Map<String, Object> params = new HashMap<>();
            flag.ifPresent(f -> {
                q.append(" and r.flag = :flag");
                params.put("flag", f);
            });
            state.ifPresent(s -> {
                q.append(" and r.state = :state");
                params.put("state", s.name());
            });
            if (beforeId != null) {
                q.append(" and r.id < :before");
                params.put("before", beforeId);
            }
            q.append(" order by r.id desc");
            var query = em.createQuery(q.toString(), ListedRow.class).setMaxResults(limit);
            params.forEach(query::setParameter);
            List<ListedRow> rows = query.getResultList();
            Map<Long, List<PlannedRing>> plansOf = plansOf(rows);
            return rows.stream().map(row -> summary(row, plansOf.get(row.id()))).toList();
        });
    }

    /** A rollout's row as a list shows it: everything but the plan and the cells. */
    record ListedRow(Long id, String flag, String changeJson, int upToRing, String mode, String state, String phase,
                     int ringIndex, String stateReason, String initiator, Instant createdAt, Instant finishedAt) {
    }

    /** The plans of these rollouts, from those kept or read in one query. */
    private Map<Long, List<PlannedRing>> plansOf(List<ListedRow> rows) {
        Map<Long, List<PlannedRing>> found = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        for (ListedRow row : rows) {
            List<PlannedRing> known = keptPlan(row.id(), row.createdAt());
            if (known != null) {
                found.put(row.id(), known);
            } else {
                missing.add(row.id());
            }
        }
        if (!missing.isEmpty()) {
            em.createQuery("from RolloutRecord r where r.id in :ids", RolloutRecord.class)
                    .setParameter("ids", missing).getResultList()
                    .forEach(row -> found.put(row.id, plan(row)));
        }
        return found;
    }

    private RolloutSummary summary(ListedRow row, List<PlannedRing> plan) {
        Integer ring = row.ringIndex() < plan.size() ? plan.get(row.ringIndex()).ring() : null;
        return new RolloutSummary(row.id(), row.flag(), read(row.changeJson(), ChangeSpec.class).toChange().describe(),
                row.upToRing(), Mode.valueOf(row.mode()), RolloutState.valueOf(row.state()),
                Phase.valueOf(row.phase()), ring, row.stateReason(), row.initiator(), row.createdAt(),
                row.finishedAt());
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
                // Only the rows of the cells this step changed (a ring, not the whole plan), each updated by its
                // primary key in one JDBC batch: no read first. Rows that are not there yet are inserted.
                List<CellProgress> setting = dirty.stream().filter(JpaRolloutStore::setsGates).toList();
                em.unwrap(org.hibernate.Session.class).doWork(connection -> {
                    insertCells(connection, rollout.id(), updateCells(connection, rollout.id(), dirty));
                    for (CellProgress missing : updateDesired(connection, rollout, setting, now)) {
                        em.persist(desiredRecord(rollout, missing, now));
                    }
                });
            }
            List<TimelineEvent> facts = events.stream().filter(e -> RolloutEvents.isFact(e.type())).toList();
            insertEvents(facts);
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
            insertEvents(events.stream().filter(e -> !RolloutEvents.isFact(e.type())).toList());
            if (rollout.state().isTerminal()) {
                FlagLockRecord lock = em.find(FlagLockRecord.class, rollout.request().flag());
                if (lock != null && lock.rolloutId == rollout.id()) {
                    em.remove(lock);
                }
            }
            return true;
        });
    }

    /** Updates the rows of {@code cells} by primary key, in one batch; answers the cells that had no row. */
    private List<CellProgress> updateCells(java.sql.Connection connection, long rolloutId, List<CellProgress> cells)
            throws java.sql.SQLException {
        return missing(cells, cellBatch(connection, "UPDATE rollout_cell SET ring = ?, status = ?, snapshot_taken = ?,"
                + " snapshot_json = ?, after_json = ?, error = ?, attempts = ?, updated_at = ?"
                + " WHERE rollout_id = ? AND cell_id = ?", rolloutId, cells));
    }

    /** Inserts the rows of {@code cells} in one JDBC batch, without an entity per cell to flush. */
    private void insertCells(java.sql.Connection connection, long rolloutId, List<CellProgress> cells)
            throws java.sql.SQLException {
        if (!cells.isEmpty()) {
            cellBatch(connection, "INSERT INTO rollout_cell (ring, status, snapshot_taken, snapshot_json, after_json,"
                    + " error, attempts, updated_at, rollout_id, cell_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rolloutId, cells);
        }
    }

    /** Runs {@code sql} once per cell in one JDBC batch, each bound by {@link #bindCell}; answers the row counts. */
    private int[] cellBatch(java.sql.Connection connection, String sql, long rolloutId, List<CellProgress> cells)
            throws java.sql.SQLException {
        try (java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
            for (CellProgress c : cells) {
                bindCell(statement, rolloutId, c);
                statement.addBatch();
            }
            return statement.executeBatch();
        }
    }

    /** A cell's row in the column order of both statements above: its state, then its key. */
    private void bindCell(java.sql.PreparedStatement statement, long rolloutId, CellProgress c)
            throws java.sql.SQLException {
        statement.setInt(1, c.ring());
        statement.setString(2, c.status().name());
        statement.setBoolean(3, c.snapshotTaken());
        statement.setString(4, c.snapshotTaken() ? gatesJson(c.snapshot()) : null);
        statement.setString(5, gatesJson(c.after()));
        statement.setString(6, truncate(c.error(), 4000));
        statement.setInt(7, c.attempts());
        setInstant(statement, 8, micros(c.updatedAt()));
        statement.setLong(9, rolloutId);
        statement.setString(10, c.cellId());
    }

    /** Updates what Ripple wants on each of {@code cells} for the rollout's flag; answers the cells with no row. */
    private List<CellProgress> updateDesired(java.sql.Connection connection, Rollout rollout, List<CellProgress> cells,
                                             Instant now) throws java.sql.SQLException {
        if (cells.isEmpty()) {
            return List.of();
        }
        try (java.sql.PreparedStatement update = connection.prepareStatement("UPDATE desired_gate SET present = ?, "
                + "gates_json = ?, rollout_id = ?, set_at = ? WHERE cell_id = ? AND flag = ?")) {
            for (CellProgress c : cells) {
                update.setBoolean(1, c.after().isPresent());
                update.setString(2, c.after().map(this::gatesText).orElse(null));
                update.setLong(3, rollout.id());
                setInstant(update, 4, now);
                update.setString(5, c.cellId());
                update.setString(6, rollout.request().flag());
                update.addBatch();
            }
            return missing(cells, update.executeBatch());
        }
    }

    /** The cells whose statement of a batch changed no row (a driver that cannot tell counts every one as done). */
    private static List<CellProgress> missing(List<CellProgress> cells, int[] counts) {
        List<CellProgress> out = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            if (counts[i] == 0) {
                out.add(cells.get(i));
            }
        }
        return out;
    }

    private static void setInstant(java.sql.PreparedStatement statement, int index, Instant at)
            throws java.sql.SQLException {
        if (at == null) {
            statement.setNull(index, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, java.time.OffsetDateTime.ofInstant(at, java.time.ZoneOffset.UTC));
        }
    }

    /** A cell Ripple has just set (or restored) and verified: what it holds is what Ripple wants there. */
    private static boolean setsGates(CellProgress c) {
        return c.status() == CellStatus.APPLIED || c.status() == CellStatus.RESTORED;
    }

    private DesiredGateRecord desiredRecord(Rollout rollout, CellProgress c, Instant now) {
        DesiredGateRecord row = new DesiredGateRecord();
        row.cellId = c.cellId();
        row.flag = rollout.request().flag();
        row.present = c.after().isPresent();
        row.gatesJson = c.after().map(this::gatesText).orElse(null);
        row.rolloutId = rollout.id();
        row.setAt = now;
        return row;
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
        List<PlannedRing> plan = plan(row);
        Map<String, RolloutCellRecord> byId = new HashMap<>();
        // Read-only: a thousand rows copied into the aggregate, none of them to be checked for changes at commit.
        em.createQuery("from RolloutCellRecord where rolloutId = :id", RolloutCellRecord.class)
                .setParameter("id", row.id).setHint(org.hibernate.jpa.HibernateHints.HINT_READ_ONLY, true)
                .getResultList().forEach(c -> byId.put(c.cellId, c));
        plan.forEach(p -> p.cells().forEach(id -> {
            RolloutCellRecord c = byId.get(id);
            cells.put(id, c == null ? CellProgress.pending(id, p.ring()) : new CellProgress(c.cellId, c.ring,
                    CellStatus.valueOf(c.status), c.snapshotTaken, gates(c.snapshotJson), gates(c.afterJson),
                    c.error, c.attempts, c.updatedAt));
        }));
        return assemble(row, plan, cells);
    }

    /** The rollout of {@code row} with {@code cells}: the request as stored, so it reads the same however built. */
    private Rollout assemble(RolloutRecord row, List<PlannedRing> plan, Map<String, CellProgress> cells) {
        RolloutRequest request = new RolloutRequest(row.flag, read(row.changeJson, ChangeSpec.class).toChange(),
                row.upToRing, Mode.valueOf(row.mode), row.targetCells == null ? List.of()
                : read(row.targetCells, STRINGS), row.initiator, row.reason, row.issue, row.idempotencyKey);
        return new Rollout(row.id, request, plan, row.createdAt, row.version, cells, RolloutState.valueOf(row.state),
                Phase.valueOf(row.phase), row.ringIndex, row.stateReason, row.bakeUntil, row.nextCheckAt,
                row.nextStepAt, row.inconclusiveStreak, row.rollbackStarted, row.finishedAt);
    }

    /**
     * The rollout's plan, parsed once: a plan never changes after it is created, and every step and every list row
     * needs it (a thousand cells: tens of kilobytes of JSON).
     */
    private List<PlannedRing> plan(RolloutRecord row) {
        List<PlannedRing> known = keptPlan(row.id, row.createdAt);
        if (known != null) {
            return known;
        }
        List<PlannedRing> plan = List.copyOf(read(row.planJson, PLAN));
        synchronized (plans) {
            plans.put(row.id, new ParsedPlan(row.createdAt, plan));
        }
        return plan;
    }

    /** The plan kept for this rollout, or null. Its creation time tells a kept plan from a reused id's. */
    private List<PlannedRing> keptPlan(long id, Instant createdAt) {
        synchronized (plans) {
            ParsedPlan known = plans.get(id);
            return known != null && known.createdAt.equals(createdAt) ? known.plan : null;
        }
    }

    private record ParsedPlan(Instant createdAt, List<PlannedRing> plan) {
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

    /**
     * Appends timeline events in one JDBC batch, in order: {@code IDENTITY} ids keep Hibernate from batching entity
     * inserts, and a ring's thousand {@code cell-changed} events must not cost a thousand statements.
     */
    private void insertEvents(List<TimelineEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        em.unwrap(org.hibernate.Session.class).doWork(connection -> {
            String sql = "INSERT INTO rollout_event (rollout_id, at, type, ring, cell, actor, message, detail_json)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
            try (java.sql.PreparedStatement insert = connection.prepareStatement(sql)) {
                for (TimelineEvent e : events) {
                    insert.setLong(1, e.rolloutId());
                    setInstant(insert, 2, micros(e.at()));
                    insert.setString(3, e.type());
                    if (e.ring() == null) {
                        insert.setNull(4, java.sql.Types.INTEGER);
                    } else {
                        insert.setInt(4, e.ring());
                    }
                    insert.setString(5, e.cell());
                    insert.setString(6, e.actor());
                    insert.setString(7, truncate(e.message(), 8000));
                    insert.setString(8, e.detail().isEmpty() ? null : write(e.detail()));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
    }

    /** {@code null}: absent flag; otherwise the gates. Snapshots that were never taken are stored as SQL null. */
    private String gatesJson(Optional<Gates> gates) {
        return gates.isEmpty() ? "null" : gatesText(gates.get());
    }

    private String gatesText(Gates gates) {
        return remember(gatesText, gates, this::write);
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
