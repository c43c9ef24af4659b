package dev.ripple.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.flags.Gates;
import dev.ripple.notify.FlagLogEntry;
import dev.ripple.rollout.CellProgress;
import dev.ripple.rollout.Rollout;
import dev.ripple.rollout.RolloutRequest;
import dev.ripple.rollout.TimelineEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import org.hibernate.Session;

import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Derives gate changes from cell facts, inside the transaction that stores the facts. What a cell held before is the
 * last thing this audit recorded for it in this rollout, or else the rollout's snapshot of it ({@code unknown} when
 * the cell could not be read). The rules that keep the trail truthful when a step runs again:
 * <ul>
 *   <li>A write that left the cell as it was is not a gate change (the cell already held the value).</li>
 *   <li>A write identical to the last one recorded for the cell in this rollout is not a second change: a step
 *   repeated after a crash, or by a second instance whose lease had expired, writes the same value again.</li>
 *   <li>A failed write is recorded when it may have changed the cell: with what the read-back showed, or
 *   {@code unknown} when there was none (a timeout may come after the cell took the change). A call that never reached
 *   the cell (an open breaker, a missing credential, a refused token, a change refused before sending) changed
 *   nothing.</li>
 * </ul>
 * Saves of one rollout are serialised on its row, so two instances stepping it at once still see each other's
 * changes. Once the transaction commits, each ring's changes become one feature-flag log entry ({@link FlagLog}).
 */
@ApplicationScoped
class GateChangeRecorder implements GateChangeJournal {
    static final String CHANGE = "change";
    static final String RESTORE = "restore";
    private static final Set<String> CELL_FACTS = Set.of("cell-changed", "cell-failed", "cell-restored",
            "restore-failed");
    /** Error kinds (the start of the engine's error text) of a call that never reached the cell. */
    private static final List<String> NOT_SENT = List.of("circuit-open", "credential-missing", "invalid",
            "unsupported", "unauthorized");

    private static final String INSERT = "INSERT INTO audit_entry (kind, at, principal, action, flag, ring, cell,"
            + " rollout_id, before_state, after_state, before_gates, after_gates, outcome, reason)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final EntityManager em;
    private final ObjectMapper json;
    private final Event<FlagLogBatch> batches;

    GateChangeRecorder(EntityManager em, ObjectMapper json, Event<FlagLogBatch> batches) {
        this.em = em;
        this.json = json;
        this.batches = batches;
    }

    @Override
    public void record(Rollout rollout, List<TimelineEvent> facts) {
        List<TimelineEvent> cellFacts = facts.stream()
                .filter(f -> f.cell() != null && CELL_FACTS.contains(f.type()) && rollout.cell(f.cell()) != null)
                .toList();
        if (cellFacts.isEmpty()) {
            return;
        }
        // A cell of a ring read for its snapshot in this step that failed: its read failed, nothing was written. (An
        // immediate rollout's apply step also reads the next ring's snapshot: the failures of its own ring are writes.)
        Set<Integer> snapshotRings = facts.stream().filter(f -> f.type().equals("snapshot"))
                .map(TimelineEvent::ring).collect(Collectors.toSet());
        em.createNativeQuery("SELECT id FROM rollout WHERE id = :id FOR UPDATE").setParameter("id", rollout.id())
                .getResultList();
        Map<String, AuditEntryRecord> last = lastChanges(rollout.id(),
                cellFacts.stream().map(TimelineEvent::cell).distinct().toList());
        Map<String, RingLog> rings = new LinkedHashMap<>();
        List<AuditEntryRecord> rows = new ArrayList<>();
        for (TimelineEvent fact : cellFacts) {
            CellProgress cell = rollout.cell(fact.cell());
            boolean restore = fact.type().equals("cell-restored") || fact.type().equals("restore-failed");
            boolean failed = fact.type().endsWith("-failed");
            String action = restore ? RESTORE : CHANGE;
            RingLog ring = rings.computeIfAbsent(cell.ring() + " " + action,
                    k -> new RingLog(cell.ring(), action, fact));
            ring.cells++;
            if (failed) {
                ring.failed.add(cell.cellId() + ": " + cell.error());
            }
            Optional<State> written = after(cell, failed, restore, snapshotRings.contains(cell.ring()));
            if (written.isEmpty()) {
                continue;
            }
            State after = written.get();
            AuditEntryRecord previous = last.get(cell.cellId());
            if (previous != null && previous.action.equals(action) && state(previous).equals(after)) {
                continue;
            }
            State before = previous != null ? state(previous)
                    : cell.snapshotTaken() ? State.known(cell.snapshot()) : State.UNKNOWN;
            if (before.known() && before.equals(after)) {
                ring.unchanged += failed ? 0 : 1;
                continue;
            }
            AuditEntryRecord row = row(rollout, fact, cell, action, before, after, failed);
            rows.add(row);
            last.put(cell.cellId(), row);
            ring.recorded++;
            if (!failed) {
                ring.changed.add(cell.cellId() + ": " + before.describe() + " → " + after.describe());
            }
        }
        insert(rows);
        List<FlagLogEntry> entries = rings.values().stream().filter(r -> r.recorded > 0 || r.unchanged > 0)
                .map(r -> r.entry(rollout)).toList();
        if (!entries.isEmpty()) {
            batches.fire(new FlagLogBatch(entries));
        }
    }

    /** What the cell holds after the fact, or empty when nothing was written to it. */
    private static Optional<State> after(CellProgress cell, boolean failed, boolean restore, boolean snapshotRead) {
        if (!failed) {
            return Optional.of(State.known(cell.after()));
        }
        if (restore ? !cell.snapshotTaken() : snapshotRead) {
            return Optional.empty();
        }
        String error = cell.error() == null ? "" : cell.error();
        if (error.startsWith(CellProgress.READ_BACK)) {
            return Optional.of(State.known(cell.after()));
        }
        if (NOT_SENT.stream().anyMatch(kind -> error.startsWith(kind + ":") || error.startsWith(kind + " "))) {
            return Optional.empty();
        }
        return Optional.of(State.UNKNOWN);
    }

    /**
     * One JDBC batch for the whole step: {@code IDENTITY} ids keep Hibernate from batching entity inserts, and a ring
     * of a thousand cells must not cost a thousand round trips to the database on the rollout's path.
     */
    private void insert(List<AuditEntryRecord> rows) {
        if (rows.isEmpty()) {
            return;
        }
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                for (AuditEntryRecord row : rows) {
                    int i = 0;
                    insert.setString(++i, row.kind);
                    insert.setObject(++i, OffsetDateTime.ofInstant(row.at, ZoneOffset.UTC));
                    insert.setString(++i, row.principal);
                    insert.setString(++i, row.action);
                    insert.setString(++i, row.flag);
                    insert.setInt(++i, row.ring);
                    insert.setString(++i, row.cell);
                    insert.setLong(++i, row.rolloutId);
                    insert.setString(++i, row.before);
                    insert.setString(++i, row.after);
                    insert.setString(++i, row.beforeGates);
                    insert.setString(++i, row.afterGates);
                    insert.setString(++i, row.outcome);
                    insert.setString(++i, row.reason);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
    }

    /**
     * The last gate change recorded for each of {@code cells} in this rollout. Reads the few columns it needs of every
     * gate change of the rollout (one index range, at most a couple of rows per cell) rather than asking for the cells
     * by name: an IN list of a ring's cells is matched row by row, and cost more than the rest of the step's save.
     */
    private Map<String, AuditEntryRecord> lastChanges(long rolloutId, List<String> cells) {
        Set<String> wanted = new HashSet<>(cells);
        Map<String, AuditEntryRecord> last = new HashMap<>();
        em.createQuery("select a.cell, a.action, a.after, a.afterGates from AuditEntryRecord a"
                                + " where a.rolloutId = :id and a.kind = :kind order by a.id", Object[].class)
                .setParameter("kind", AuditEntryRecord.GATE_CHANGE).setParameter("id", rolloutId)
                .getResultList()
                .forEach(columns -> {
                    String cell = (String) columns[0];
                    if (wanted.contains(cell)) {
                        AuditEntryRecord row = new AuditEntryRecord();
                        row.cell = cell;
                        row.action = (String) columns[1];
                        row.after = (String) columns[2];
                        row.afterGates = (String) columns[3];
                        last.put(cell, row);
                    }
                });
        return last;
    }

    private AuditEntryRecord row(Rollout rollout, TimelineEvent fact, CellProgress cell, String action, State before,
                                 State after, boolean failed) {
        RolloutRequest request = rollout.request();
        AuditEntryRecord row = new AuditEntryRecord();
        row.kind = AuditEntryRecord.GATE_CHANGE;
        row.at = fact.at().truncatedTo(ChronoUnit.MICROS);
        row.principal = Redaction.cap(request.initiator(), 200);
        row.action = action;
        row.flag = request.flag();
        row.ring = cell.ring();
        row.cell = cell.cellId();
        row.rolloutId = rollout.id();
        row.before = Redaction.cap(before.describe(), 2000);
        row.after = Redaction.cap(after.describe(), 2000);
        row.beforeGates = gatesJson(before);
        row.afterGates = gatesJson(after);
        row.outcome = failed ? Redaction.cap("failed: " + cell.error(), 2000)
                : action.equals(RESTORE) ? "restored" : "applied";
        row.reason = Redaction.cap(action.equals(RESTORE)
                ? "rollback" + (rollout.reason() == null ? "" : ": " + rollout.reason()) : request.reason(), 2000);
        return row;
    }

    private String gatesJson(State state) {
        if (!state.known() || state.gates().isEmpty()) {
            return null;
        }
        try {
            return json.writeValueAsString(state.gates().get());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write gates", e);
        }
    }

    private State state(AuditEntryRecord row) {
        if (State.UNKNOWN_TEXT.equals(row.after)) {
            return State.UNKNOWN;
        }
        try {
            return State.known(row.afterGates == null ? Optional.empty()
                    : Optional.of(json.readValue(row.afterGates, Gates.class)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable gates in the audit trail: " + e.getOriginalMessage(), e);
        }
    }

    /** A cell's gates as far as Ripple knows them: known (empty: the cell does not have the flag) or unknown. */
    private record State(boolean known, Optional<Gates> gates) {
        static final String UNKNOWN_TEXT = "unknown";
        static final State UNKNOWN = new State(false, Optional.empty());

        static State known(Optional<Gates> gates) {
            return new State(true, gates);
        }

        String describe() {
            return known ? Gates.describe(gates) : UNKNOWN_TEXT;
        }
    }

    /** What one step did to one ring: the makings of its feature-flag log entry. */
    private static final class RingLog {
        final int ring;
        final String action;
        final TimelineEvent first;
        final List<String> changed = new ArrayList<>();
        final List<String> failed = new ArrayList<>();
        int cells;
        int unchanged;
        int recorded;

        RingLog(int ring, String action, TimelineEvent first) {
            this.ring = ring;
            this.action = action;
            this.first = first;
        }

        FlagLogEntry entry(Rollout rollout) {
            RolloutRequest q = rollout.request();
            boolean restore = action.equals(RESTORE);
            String title = restore ? FlagLogTitles.rollback(q.flag(), ring, rollout.id())
                    : FlagLogTitles.change(q.flag(), q.change(), ring);
            return new FlagLogEntry(FlagLogTitles.withFailures(title, failed.size(), cells), q.flag(), ring,
                    restore ? FlagLogEntry.ROLLBACK : FlagLogEntry.CHANGE, q.change().describe(),
                    Long.toString(rollout.id()), q.mode().wireName(), q.upToRing(), q.initiator(), q.reason(),
                    q.issue(), changed, failed, unchanged, first.at());
        }
    }
}
