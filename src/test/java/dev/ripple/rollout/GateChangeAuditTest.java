package dev.ripple.rollout;

import dev.ripple.audit.AuditEntry;
import dev.ripple.audit.AuditQuery;
import dev.ripple.audit.AuditTrail;
import dev.ripple.audit.FlagLogCapture;
import dev.ripple.cells.CellError;
import dev.ripple.cells.CellResult;
import dev.ripple.flags.FlagDefinition;
import dev.ripple.flags.FlagType;
import dev.ripple.flags.Gates;
import dev.ripple.health.HealthEvaluator;
import dev.ripple.health.RolloutPolicy;
import dev.ripple.notify.FlagLogEntry;
import dev.ripple.testing.MutableClock;
import dev.ripple.topology.Topology;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.ripple.rollout.Changes.pctActors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The audit's gate changes come from the cell facts the JPA store keeps, in the same transaction. The engine runs on
 * fake cells against the real store, and is interrupted the ways a process is: the rollout row's save lost after the
 * facts were stored, the facts stored twice (two instances after a lease expired), the process dying right after a
 * write. However often a write is repeated, a cell's change is recorded once, with what it held before.
 */
@QuarkusTest
class GateChangeAuditTest {
    private static final AtomicInteger FLAGS = new AtomicInteger();
    // Far ahead of the real clock, so the application's own driver never finds these rollouts due.
    private static final Instant START = Instant.parse("2100-01-01T00:00:00Z");

    @Inject
    RolloutStore jpa;
    @Inject
    AuditTrail audit;
    @Inject
    FlagLogCapture flagLog;

    private final MutableClock clock = new MutableClock(START);
    private final FakeCells cells = new FakeCells();
    private final FakeMetrics metrics = new FakeMetrics();
    private final Set<String> breakerOpen = new java.util.HashSet<>();
    private Interrupting store;
    private Topology topology;
    private String flag;
    private RolloutEngine engine;

    @BeforeEach
    void freshFlag() {
        flag = "audit_probe_" + FLAGS.incrementAndGet() + "_" + Long.toHexString(System.nanoTime());
        Topology base = EngineFixture.topology();
        Map<String, FlagDefinition> flags = new TreeMap<>(base.flags());
        flags.put(flag, new FlagDefinition(flag, "@team", FlagType.DERISK, "d", "g", false, Map.of(),
                RolloutPolicy.NONE));
        topology = new Topology(base.rings(), base.checks(), flags, "v1");
        store = new Interrupting(jpa);
        restart();
    }

    private void restart() {
        engine = new RolloutEngine(store, new WithBreakers(cells), new HealthEvaluator(metrics), topology::checks,
                ring -> List.of(), n -> { }, clock, new EngineSettings(EngineFixture.CHECK_EVERY, 3,
                Duration.ofSeconds(30)), EngineMetrics.NONE);
    }

    @Test
    void eachCellChangeIsRecordedWithWhatItHeldBeforeAndOneLogEntryPerRing() {
        // Given
        cells.set("c1-1", flag, Gates.OFF);
        cells.set("c1-2", flag, pctActors(50));
        long id = start(EngineFixture.on(), 1, Mode.GRADUAL);

        // When
        RolloutState end = run(id);

        // Then
        assertThat(end).isEqualTo(RolloutState.COMPLETED);
        assertThat(changes()).extracting(AuditEntry::cell, AuditEntry::ring, AuditEntry::action, AuditEntry::before,
                        AuditEntry::after, AuditEntry::outcome)
                .containsExactly(
                        tuple("c0-1", 0, "change", "absent", "on", "applied"),
                        tuple("c1-1", 1, "change", "off", "on", "applied"),
                        tuple("c1-2", 1, "change", "50% of actors", "on", "applied"));
        AuditEntry first = changes().get(0);
        assertThat(first.principal()).isEqualTo("alice");
        assertThat(first.rolloutId()).isEqualTo(id);
        assertThat(first.reason()).isEqualTo("testing");
        assertThat(first.flag()).isEqualTo(flag);
        assertThat(first.beforeGates()).isNull();
        assertThat(first.afterGates()).isEqualTo(Gates.OFF.withEnabled(true));
        assertThat(first.at()).isAfterOrEqualTo(START);
        assertThat(changes().get(2).beforeGates()).isEqualTo(pctActors(50));
        assertThat(flagLog.of(flag)).extracting(FlagLogEntry::title, FlagLogEntry::cellsChanged)
                .containsExactly(
                        tuple("Feature flag '" + flag + "' set to 'true' on ring 0", List.of("c0-1: absent → on")),
                        tuple("Feature flag '" + flag + "' set to 'true' on ring 1",
                                List.of("c1-1: off → on", "c1-2: 50% of actors → on")));
        FlagLogEntry ring1 = flagLog.of(flag).get(1);
        assertThat(ring1.rolloutId()).isEqualTo(Long.toString(id));
        assertThat(ring1.requestedBy()).isEqualTo("alice");
        assertThat(ring1.reason()).isEqualTo("testing");
        assertThat(ring1.rolloutIssue()).isEqualTo("https://gitlab.example.com/org/proj/-/issues/7");
        assertThat(ring1.action()).isEqualTo(FlagLogEntry.CHANGE);
        assertThat(ring1.cellsFailed()).isEmpty();
    }

    @Test
    void anApplyWhoseRowSaveWasLostIsRepeatedWithoutASecondChangeOrLogEntry() {
        // Given the apply step of ring 0 stores its facts, then loses the race for the rollout row
        long id = start(EngineFixture.on(), 1, Mode.GRADUAL);
        store.loseNextRowSaveAfter = "cell-changed";

        // When the engine carries on from the row as it was: it applies ring 0 again
        RolloutState end = run(id);

        // Then
        assertThat(store.lost).isEqualTo(1);
        assertThat(end).isEqualTo(RolloutState.COMPLETED);
        assertThat(changes()).extracting(AuditEntry::cell).containsExactly("c0-1", "c1-1", "c1-2");
        assertThat(flagLog.of(flag)).extracting(FlagLogEntry::ring).containsExactly(0, 1);
    }

    @Test
    void factsStoredTwiceAreOneChangeAndOneLogEntry() {
        // Given a second instance, whose lease had run out, stores the same apply step's facts again
        long id = start(EngineFixture.on(), 1, Mode.GRADUAL);
        store.storeNextFactsTwiceAfter = "cell-changed";

        // When
        RolloutState end = run(id);

        // Then the timeline has the facts twice; the audit and the log have the change once
        assertThat(end).isEqualTo(RolloutState.COMPLETED);
        assertThat(jpa.timeline(id, null, 1000)).filteredOn(e -> e.type().equals("cell-changed"))
                .extracting(TimelineEvent::cell).containsExactly("c0-1", "c0-1", "c1-1", "c1-2");
        assertThat(changes()).extracting(AuditEntry::cell).containsExactly("c0-1", "c1-1", "c1-2");
        assertThat(flagLog.of(flag)).extracting(FlagLogEntry::ring).containsExactly(0, 1);
    }

    @Test
    void aWriteRepeatedAfterTheProcessDiedIsOneChangeFromWhatTheCellHeldBeforeTheFirst() {
        // Given the process dies right after the first write of ring 1 landed, before anything was stored
        cells.set("c1-1", flag, pctActors(10));
        long id = start(EngineFixture.on(), 1, Mode.GRADUAL);
        stepUntil(id, r -> r.ringIndex() == 1 && r.phase() == Phase.APPLY);
        cells.crashAfterWrites = 1;

        // When it restarts and the apply runs again
        RolloutState end = run(id);

        // Then
        assertThat(cells.writes).filteredOn(w -> w.startsWith("c1-1 ")).hasSize(2);
        assertThat(end).isEqualTo(RolloutState.COMPLETED);
        assertThat(changes()).extracting(AuditEntry::cell, AuditEntry::before, AuditEntry::after)
                .containsExactly(tuple("c0-1", "absent", "on"), tuple("c1-1", "10% of actors", "on"),
                        tuple("c1-2", "absent", "on"));
    }

    @Test
    void aCellThatAlreadyHeldTheChangeIsNoGateChange() {
        // Given
        cells.set("c0-1", flag, Gates.OFF.withEnabled(true));
        long id = start(EngineFixture.on(), 0, Mode.IMMEDIATE);

        // When
        RolloutState end = run(id);

        // Then
        assertThat(end).isEqualTo(RolloutState.COMPLETED);
        assertThat(changes()).isEmpty();
        assertThat(flagLog.of(flag)).singleElement().satisfies(entry -> {
            assertThat(entry.cellsChanged()).isEmpty();
            assertThat(entry.cellsUnchanged()).isEqualTo(1);
            assertThat(entry.title()).isEqualTo("Feature flag '" + flag + "' set to 'true' on ring 0");
        });
    }

    @Test
    void aRollbackRecordsEachRestoreFromWhatTheChangeLeftOutermostRingFirst() {
        // Given ring 1 is baking
        cells.set("c1-1", flag, Gates.OFF);
        long id = start(EngineFixture.on(), 2, Mode.GRADUAL);
        stepUntil(id, r -> r.ringIndex() == 1 && r.phase() == Phase.BAKE);

        // When
        engine.operate(id, Operation.ROLLBACK, "bob", "looks wrong");
        RolloutState end = run(id);

        // Then
        assertThat(end).isEqualTo(RolloutState.ROLLED_BACK);
        List<AuditEntry> restores = changes().stream().filter(e -> e.action().equals("restore")).toList();
        assertThat(restores).extracting(AuditEntry::cell, AuditEntry::before, AuditEntry::after, AuditEntry::outcome)
                .containsExactly(tuple("c1-1", "on", "off", "restored"), tuple("c1-2", "on", "absent", "restored"),
                        tuple("c0-1", "on", "absent", "restored"));
        assertThat(restores).allSatisfy(e -> {
            assertThat(e.reason()).isEqualTo("rollback: rollback requested by bob: looks wrong");
            assertThat(e.principal()).isEqualTo("alice");
        });
        assertThat(flagLog.of(flag)).extracting(FlagLogEntry::title, FlagLogEntry::action).containsExactly(
                tuple("Feature flag '" + flag + "' set to 'true' on ring 0", "change"),
                tuple("Feature flag '" + flag + "' set to 'true' on ring 1", "change"),
                tuple("Feature flag '" + flag + "' restored on ring 1 (rollback of rollout " + id + ")", "rollback"),
                tuple("Feature flag '" + flag + "' restored on ring 0 (rollback of rollout " + id + ")", "rollback"));
    }

    @Test
    void aFailedWriteIsAChangeOnlyWhenItMayHaveReachedTheCell() {
        // Given c1-2 is down (the write may have landed before the connection broke), c2-1's breaker is open (no
        // call is made) and c2-2 takes the write but keeps its gates (the read-back shows nothing changed)
        cells.failing.add("c1-2");
        breakerOpen.add("c2-1");
        cells.ignoring.add("c2-2");
        long id = start(EngineFixture.on(), 2, Mode.IMMEDIATE);

        // When
        RolloutState end = run(id);

        // Then
        assertThat(end).isEqualTo(RolloutState.COMPLETED_WITH_FAILURES);
        assertThat(changes()).extracting(AuditEntry::cell, AuditEntry::before, AuditEntry::after)
                .containsExactly(tuple("c0-1", "absent", "on"), tuple("c1-1", "absent", "on"),
                        tuple("c1-2", "unknown", "unknown"), tuple("c2-3", "absent", "on"));
        assertThat(changes().get(2).outcome()).startsWith("failed: unreachable: connection refused");
        assertThat(flagLog.of(flag)).extracting(FlagLogEntry::title).containsExactly(
                "Feature flag '" + flag + "' set to 'true' on ring 0",
                "Feature flag '" + flag + "' set to 'true' on ring 1 (1 of 2 cells failed)",
                "Feature flag '" + flag + "' set to 'true' on ring 2 (2 of 3 cells failed)");
        assertThat(flagLog.of(flag).get(2).cellsFailed()).hasSize(2)
                .anySatisfy(f -> assertThat(f).startsWith("c2-1: circuit-open"))
                .anySatisfy(f -> assertThat(f).startsWith("c2-2: read-back shows absent"));
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    @Test
    void theStoreSaysWhetherASavedRolloutIsStillTheStoredOne() {
        // Given a rollout as created, and as its first step saved it
        long id = start(EngineFixture.on(), 1, Mode.IMMEDIATE);
        Rollout created = jpa.find(id).orElseThrow();
        RolloutEngine.StepResult snapshot = engine.step(id, null);

        // Then the store answers for the saved version only, and the saved rollout reads as a fresh load
        assertThat(jpa.isAt(id, created.version())).isFalse();
        assertThat(jpa.isAt(id, snapshot.rollout().version())).isTrue();
        Rollout loaded = jpa.find(id).orElseThrow();
        assertThat(snapshot.rollout().version()).isEqualTo(loaded.version());
        assertThat(snapshot.rollout().cells()).isEqualTo(loaded.cells());
        assertThat(snapshot.rollout().plan()).isEqualTo(loaded.plan());

        // When an operator pauses it, the saved copy is no longer the stored one
        engine.operate(id, Operation.PAUSE, "bob", null);
        assertThat(jpa.isAt(id, snapshot.rollout().version())).isFalse();
        assertThat(jpa.isAt(Long.MAX_VALUE, 0)).isFalse();
    }

    @Test
    void aCreatedRolloutReadsAsItWillLoad() {
        // When
        RolloutRequest request = new RolloutRequest(flag, EngineFixture.percentOfActors(25), 3, Mode.GRADUAL,
                List.of(), "alice", "testing", null, null);
        Rollout created = store.create(request, "hash-" + flag, Planner.plan(topology, request), clock.instant())
                .rollout();

        // Then
        Rollout loaded = jpa.find(created.id()).orElseThrow();
        assertThat(created.cells()).isEqualTo(loaded.cells());
        assertThat(created.plan()).isEqualTo(loaded.plan());
        assertThat(created.request()).isEqualTo(loaded.request());
        assertThat(created.version()).isEqualTo(loaded.version());
        assertThat(created.state()).isEqualTo(loaded.state());
        assertThat(created.phase()).isEqualTo(loaded.phase());
        assertThat(created.nextStepAt()).isEqualTo(loaded.nextStepAt());
        assertThat(created.createdAt()).isEqualTo(loaded.createdAt());
        assertThat(created.dirtyCells()).isEmpty();
    }

    private long start(FlagChange change, int upTo, Mode mode) {
        RolloutRequest request = new RolloutRequest(flag, change, upTo, mode, List.of(), "alice", "testing",
                "https://gitlab.example.com/org/proj/-/issues/7", null);
        return store.create(request, "hash-" + flag, Planner.plan(topology, request), clock.instant()).rollout().id();
    }

    /** Steps the rollout at each moment it asks for, restarting the engine when the process "dies". */
    private RolloutState run(long id) {
        stepUntil(id, r -> r.state().isTerminal() || r.nextStepAt() == null);
        return jpa.find(id).orElseThrow().state();
    }

    private void stepUntil(long id, java.util.function.Predicate<Rollout> reached) {
        for (int i = 0; i < 500; i++) {
            Rollout r = jpa.find(id).orElseThrow();
            if (reached.test(r)) {
                return;
            }
            if (r.nextStepAt() != null && r.nextStepAt().isAfter(clock.instant())) {
                clock.advance(Duration.between(clock.instant(), r.nextStepAt()));
            }
            try {
                engine.step(id, null);
            } catch (FakeCells.ProcessDied died) {
                restart();
            }
        }
        throw new AssertionError("rollout " + id + " did not get there in 500 steps");
    }

    /** The flag's gate changes, oldest first. */
    private List<AuditEntry> changes() {
        List<AuditEntry> found = new ArrayList<>(audit.find(new AuditQuery(Optional.of(flag), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(AuditEntry.GATE_CHANGE), null, 500)));
        Collections.reverse(found);
        return found;
    }

    /** The JPA store, with the interruptions a real deployment can meet. */
    private static final class Interrupting implements RolloutStore {
        private final RolloutStore delegate;
        /** The next save whose events include this type keeps its facts but loses the rollout row. */
        String loseNextRowSaveAfter;
        /** The next save whose events include this type stores its facts twice, as a second instance would. */
        String storeNextFactsTwiceAfter;
        int lost;

        Interrupting(RolloutStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public boolean save(Rollout rollout, String leaseOwner) {
            if (has(rollout, loseNextRowSaveAfter)) {
                loseNextRowSaveAfter = null;
                lost++;
                // Nobody holds the lease: a save that claims to hold it stores the facts and then loses the row.
                assertThat(delegate.save(rollout, "an-instance-whose-lease-ran-out")).isFalse();
                return false;
            }
            if (has(rollout, storeNextFactsTwiceAfter)) {
                storeNextFactsTwiceAfter = null;
                boolean saved = delegate.save(rollout, leaseOwner);
                assertThat(delegate.save(rollout, leaseOwner)).as("the second instance loses the row").isFalse();
                return saved;
            }
            return delegate.save(rollout, leaseOwner);
        }

        private static boolean has(Rollout rollout, String type) {
            return type != null && rollout.newEvents().stream().anyMatch(e -> e.type().equals(type));
        }

        @Override
        public Created create(RolloutRequest request, String requestHash, List<PlannedRing> plan, Instant now) {
            return delegate.create(request, requestHash, plan, now);
        }

        @Override
        public Optional<Rollout> find(long id) {
            return delegate.find(id);
        }

        @Override
        public List<RolloutSummary> list(Optional<String> flag, Optional<RolloutState> state, Long beforeId,
                                         int limit) {
            return delegate.list(flag, state, beforeId, limit);
        }

        @Override
        public List<TimelineEvent> timeline(long id, Long afterId, int limit) {
            return delegate.timeline(id, afterId, limit);
        }

        @Override
        public Optional<Long> activeFor(String flag) {
            return delegate.activeFor(flag);
        }

        @Override
        public List<Long> due(Instant now, int limit) {
            return delegate.due(now, limit);
        }

        @Override
        public boolean claim(long id, String owner, Instant now, Instant until) {
            return delegate.claim(id, owner, now, until);
        }

        @Override
        public void release(long id, String owner) {
            delegate.release(id, owner);
        }
    }

    /** The fake cells, except that writes to cells whose breaker is open are refused without a call. */
    private final class WithBreakers implements CellOps {
        private final FakeCells cells;

        WithBreakers(FakeCells cells) {
            this.cells = cells;
        }

        @Override
        public Map<String, CellResult<Optional<Gates>>> read(List<String> cellIds, String flag) {
            return cells.read(cellIds, flag);
        }

        @Override
        public Map<String, CellResult<Optional<Gates>>> apply(List<String> cellIds, String flag, FlagChange change) {
            Map<String, CellResult<Optional<Gates>>> out = new LinkedHashMap<>();
            List<String> reachable = cellIds.stream().filter(c -> !breakerOpen.contains(c)).toList();
            Map<String, CellResult<Optional<Gates>>> answered = cells.apply(reachable, flag, change);
            cellIds.forEach(c -> out.put(c, breakerOpen.contains(c) ? CellResult.failed(new CellError(
                    CellError.Kind.CIRCUIT_OPEN, "breaker open", null, 0)) : answered.get(c)));
            return out;
        }

        @Override
        public Map<String, CellResult<Optional<Gates>>> restore(Map<String, Optional<Gates>> snapshots, String flag) {
            return cells.restore(snapshots, flag);
        }
    }
}
