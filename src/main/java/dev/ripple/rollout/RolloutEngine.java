package dev.ripple.rollout;

import dev.ripple.cells.CellResult;
import dev.ripple.flags.Gates;
import dev.ripple.health.CheckVerdict;
import dev.ripple.health.HealthCheck;
import dev.ripple.health.HealthEvaluator;
import dev.ripple.health.Outcome;
import dev.ripple.health.RingVerdict;
import dev.ripple.incidents.ActiveIncident;
import dev.ripple.incidents.IncidentView;
import dev.ripple.notify.Notifier;
import dev.ripple.notify.RolloutNotification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Moves rollouts forward one step at a time. {@link #step} reads the rollout, does the one next thing (a preflight, a
 * snapshot, an apply, one health evaluation, one ring of a rollback), saves, and returns; a crash between two steps
 * loses nothing, and repeating a step does no harm because every write sets a gate to a value, never toggles one.
 * Plain Java: the clock, cells, metrics, incidents and notifications come in as interfaces.
 */
public final class RolloutEngine {
    static final String ENGINE = "ripple";

    private final RolloutStore store;
    private final CellOps cells;
    private final HealthEvaluator health;
    private final Supplier<Map<String, HealthCheck>> checks;
    private final IncidentView incidents;
    private final Notifier notifier;
    private final Clock clock;
    private final EngineSettings settings;
    private final EngineMetrics metrics;

    public RolloutEngine(RolloutStore store, CellOps cells, HealthEvaluator health,
                         Supplier<Map<String, HealthCheck>> checks, IncidentView incidents, Notifier notifier,
                         Clock clock, EngineSettings settings, EngineMetrics metrics) {
        this.store = store;
        this.cells = cells;
        this.health = health;
        this.checks = checks;
        this.incidents = incidents;
        this.notifier = notifier;
        this.clock = clock;
        this.settings = settings;
        this.metrics = metrics;
    }

    /**
     * The outcome of a step: where the rollout stands and when it wants the next one (null: only a human); when saved,
     * the rollout as saved, for the next step to go on from ({@link #step(long, String, Rollout)}).
     */
    public record StepResult(RolloutState state, Instant nextStepAt, boolean saved, Rollout rollout) {
        public boolean wantsStepBy(Instant now) {
            return saved && nextStepAt != null && !nextStepAt.isAfter(now) && !state.isTerminal();
        }
    }

    /** Does the next thing for one rollout. The caller holds its lease as {@code owner} (null in tests). */
    public StepResult step(long id, String owner) {
        return step(id, owner, null);
    }

    /**
     * As {@link #step(long, String)}, going on from {@code last} (the rollout as the previous step saved it) when the
     * store still holds that version: an operator's action or another instance's save moves the version, and the
     * rollout is loaded again. Saves a load of every cell per step.
     */
    public StepResult step(long id, String owner, Rollout last) {
        Optional<Rollout> loaded = last != null && last.id() == id && store.isAt(id, last.version())
                ? Optional.of(last) : store.find(id);
        if (loaded.isEmpty() || loaded.get().state().isTerminal()) {
            return new StepResult(loaded.map(Rollout::state).orElse(RolloutState.ABORTED), null, true, null);
        }
        Rollout r = loaded.get();
        Instant now = clock.instant();
        List<RolloutNotification> notes = new ArrayList<>();
        switch (r.state()) {
            case RUNNING -> running(r, now, notes);
            case BLOCKED -> blocked(r, now, notes);
            case PAUSED, HALTED -> watch(r, now, notes);
            case ROLLING_BACK -> rollingBack(r, now, notes);
            default -> {
            }
        }
        boolean saved = store.save(r, owner);
        if (saved) {
            r.saved();
            notes.forEach(notifier::publish);
            metrics.stepped(r);
        }
        return new StepResult(r.state(), r.nextStepAt(), saved, saved ? r : null);
    }

    // ---- running -------------------------------------------------------------------------------------------------

    private void running(Rollout r, Instant now, List<RolloutNotification> notes) {
        Optional<PlannedRing> current = r.currentRing();
        if (current.isEmpty()) {
            finish(r, notes);
            return;
        }
        PlannedRing ring = current.get();
        switch (r.phase()) {
            case PREFLIGHT -> preflight(r, ring, now, notes);
            case SNAPSHOT -> snapshot(r, ring, now, notes);
            case APPLY -> apply(r, ring, now, notes);
            case BAKE -> bake(r, ring, now, notes);
        }
    }

    private void preflight(Rollout r, PlannedRing ring, Instant now, List<RolloutNotification> notes) {
        List<ActiveIncident> active = incidents.activeOn(ring.ring());
        if (!active.isEmpty()) {
            String why = "ring " + ring.ring() + " has an active " + active.get(0).describe()
                    + (active.size() > 1 ? " (+" + (active.size() - 1) + " more)" : "");
            r.moveTo(RolloutState.BLOCKED, why, now);
            r.nextStepAt(now.plus(settings.blockedRecheck()));
            r.event(now, "blocked", ring.ring(), null, ENGINE, "blocked: " + why,
                    Map.of("incidents", active.stream().map(ActiveIncident::id).toList()));
            notes.add(note(r, RolloutNotification.Event.BLOCKED, ring.ring(), why, now, List.of()));
            return;
        }
        List<RingVerdict> verdicts = new ArrayList<>(evaluateDone(r, r.ringIndex()));
        RingVerdict own = evaluate(r, ring);
        record(r, now, own, "preflight");
        verdicts.forEach(v -> record(r, now, v, "watch"));
        Optional<RingVerdict> rollback = verdicts.stream().filter(v -> v.outcome() == Outcome.ROLLBACK).findFirst();
        if (rollback.isPresent()) {
            startRollback(r, now, ENGINE, rollback.get().summary());
            return;
        }
        verdicts.add(own);
        // A ring we have not touched yet that looks bad is a reason to stop, not to undo what went well elsewhere.
        Outcome worst = verdicts.stream().map(RingVerdict::outcome).reduce(Outcome.HEALTHY, Outcome::worst);
        if (worst == Outcome.HALT || worst == Outcome.ROLLBACK) {
            String why = (own.outcome().isConclusive() && own.outcome() != Outcome.HEALTHY ? "preflight: " : "")
                    + worstSummary(verdicts);
            halt(r, now, why, notes);
            return;
        }
        if (!worst.isConclusive()) {
            inconclusive(r, now, verdicts, notes);
            return;
        }
        r.inconclusiveStreak(0);
        r.phase(Phase.SNAPSHOT);
        r.nextStepAt(now);
    }

    private void snapshot(Rollout r, PlannedRing ring, Instant now, List<RolloutNotification> notes) {
        boolean gradual = r.request().mode() == Mode.GRADUAL;
        List<String> targets = ring.cells().stream().filter(c -> !r.cell(c).snapshotTaken()).toList();
        if (targets.isEmpty()) {
            // Repeated after its reads were stored but not its state change (a crash, a lost race): nothing to read.
            startApply(r, ring, now);
            return;
        }
        List<String> failures = snapshotted(r, ring, cells.read(targets, r.request().flag()), now);
        if (gradual && !failures.isEmpty()) {
            failures.forEach(f -> r.event(now, "cell-failed", ring.ring(), f.substring(0, f.indexOf(':')), ENGINE,
                    f, Map.of()));
            notes.add(note(r, RolloutNotification.Event.CELL_FAILED, ring.ring(), failures.get(0), now, failures));
            halt(r, now, "ring " + ring.ring() + ": " + failures.get(0), notes);
            return;
        }
        // An immediate rollout applies to a cell it could not read: mitigation matters more than a rollback point.
        startApply(r, ring, now);
    }

    /**
     * Stores the snapshots read of a ring's cells and says so in the timeline; answers the cells that could not be
     * read. A gradual rollout fails those (it halts); an immediate one writes to them anyway, without a rollback point.
     */
    private List<String> snapshotted(Rollout r, PlannedRing ring, Map<String, CellResult<Optional<Gates>>> read,
                                     Instant now) {
        boolean gradual = r.request().mode() == Mode.GRADUAL;
        List<String> failures = new ArrayList<>();
        read.forEach((cellId, result) -> {
            CellProgress progress = r.cell(cellId);
            if (result instanceof CellResult.Ok<Optional<Gates>> ok) {
                r.put(progress.snapshotted(ok.value(), now));
            } else {
                String error = errorOf(result);
                failures.add(cellId + ": could not read it before the change: " + error);
                if (gradual) {
                    r.put(progress.failed("could not read it before the change: " + error, Optional.empty(), now));
                }
            }
        });
        r.event(now, "snapshot", ring.ring(), null, ENGINE,
                "read " + (read.size() - failures.size()) + " of " + read.size() + " cells before the change",
                Map.of("failures", failures));
        return failures;
    }

    /**
     * Moves to the ring's apply, and says so in the timeline with that state change: saved before any cell of the
     * ring is written, so a process that dies while writing (and is then aborted, say) leaves the ring's apply on
     * record, and a step repeated after a lost save says it once. A retry of failed cells is not a new apply.
     */
    private void startApply(Rollout r, PlannedRing ring, Instant now) {
        r.phase(Phase.APPLY);
        r.nextStepAt(now);
        long targets = ring.cells().stream().filter(c -> r.cell(c).status() != CellStatus.APPLIED).count();
        if (targets > 0 && r.cellsOf(ring.ring()).stream().noneMatch(c -> c.attempts() > 0)) {
            r.event(now, "ring-apply", ring.ring(), null, ENGINE, "applying " + r.request().change().describe()
                    + " to " + targets + " cells of ring " + ring.ring(), Map.of());
        }
    }

    private void apply(Rollout r, PlannedRing ring, Instant now, List<RolloutNotification> notes) {
        boolean gradual = r.request().mode() == Mode.GRADUAL;
        if (gradual && ring.cells().stream().anyMatch(c -> !r.cell(c).snapshotTaken())) {
            r.phase(Phase.SNAPSHOT);
            r.nextStepAt(now);
            return;
        }
        List<String> targets = ring.cells().stream()
                .filter(c -> r.cell(c).status() != CellStatus.APPLIED)
                .toList();
        // An immediate rollout reads the next ring's snapshot while it writes this one: no pause between rings, so
        // nothing comes between that read and the next ring's write but this ring's calls. Stored in this step's
        // save, before the next ring is written. A cell it could not read is not asked again.
        Optional<PlannedRing> next = gradual || r.ringIndex() + 1 >= r.plan().size() ? Optional.empty()
                : Optional.of(r.plan().get(r.ringIndex() + 1));
        List<String> nextReads = next.map(n -> n.cells().stream()
                .filter(c -> r.cell(c).status() == CellStatus.PENDING).toList())
                .orElse(List.of());
        long started = System.nanoTime();
        CellOps.Both both = cells.applyWhileReading(targets, nextReads, r.request().flag(), r.request().change());
        Map<String, CellResult<Optional<Gates>>> results = both.applied();
        metrics.ringApplied(r, ring.ring(), Duration.ofNanos(System.nanoTime() - started));
        List<String> failures = new ArrayList<>();
        results.forEach((cellId, result) -> {
            CellProgress progress = r.cell(cellId);
            String before = progress.snapshotTaken() ? describe(progress.snapshot()) : "unknown";
            if (result instanceof CellResult.Ok<Optional<Gates>> ok && r.request().change().heldIn(ok.value())) {
                r.put(progress.applied(ok.value(), now));
                r.event(now, "cell-changed", ring.ring(), cellId, ENGINE,
                        cellId + ": " + before + " → " + describe(ok.value()),
                        detail("before", before, "after", describe(ok.value())));
            } else {
                Optional<Gates> observed = result instanceof CellResult.Ok<Optional<Gates>> ok ? ok.value()
                        : Optional.empty();
                String error = result instanceof CellResult.Ok<?>
                        ? CellProgress.READ_BACK + " " + describe(observed) + ", not " + r.request().change().describe()
                        : errorOf(result);
                r.put(progress.failed(error, observed, now));
                failures.add(cellId + ": " + error);
                r.event(now, "cell-failed", ring.ring(), cellId, ENGINE, cellId + ": " + error, Map.of());
            }
        });
        if (!failures.isEmpty()) {
            notes.add(note(r, RolloutNotification.Event.CELL_FAILED, ring.ring(), failures.get(0), now, failures));
        }
        if (!nextReads.isEmpty()) {
            snapshotted(r, next.get(), both.read(), now);
        }
        if (gradual) {
            if (!failures.isEmpty()) {
                halt(r, now, "ring " + ring.ring() + ": " + failures.size() + " of " + ring.cells().size()
                        + " cells failed; first: " + failures.get(0), notes);
                return;
            }
            Instant until = now.plus(ring.bake());
            Instant firstCheck = min(now.plus(settings.checkEvery()), until);
            r.phase(Phase.BAKE);
            r.bake(until, firstCheck);
            r.nextStepAt(firstCheck);
            r.event(now, "bake-started", ring.ring(), null, ENGINE, "baking ring " + ring.ring() + " for "
                    + human(ring.bake()) + " until " + until, Map.of("until", until.toString()));
            return;
        }
        ringDone(r, now, notes, ring);
    }

    private void bake(Rollout r, PlannedRing ring, Instant now, List<RolloutNotification> notes) {
        boolean bakeOver = !now.isBefore(r.bakeUntil());
        if (!bakeOver && r.nextCheckAt() != null && now.isBefore(r.nextCheckAt())) {
            r.nextStepAt(min(r.nextCheckAt(), r.bakeUntil()));
            return;
        }
        List<RingVerdict> verdicts = new ArrayList<>(evaluateDone(r, r.ringIndex()));
        verdicts.add(evaluate(r, ring));
        verdicts.forEach(v -> record(r, now, v, "bake"));
        Optional<RingVerdict> rollback = verdicts.stream().filter(v -> v.outcome() == Outcome.ROLLBACK).findFirst();
        if (rollback.isPresent()) {
            startRollback(r, now, ENGINE, rollback.get().summary());
            return;
        }
        Outcome worst = verdicts.stream().map(RingVerdict::outcome).reduce(Outcome.HEALTHY, Outcome::worst);
        if (worst == Outcome.HALT) {
            halt(r, now, worstSummary(verdicts), notes);
            return;
        }
        if (!worst.isConclusive()) {
            inconclusive(r, now, verdicts, notes);
            return;
        }
        r.inconclusiveStreak(0);
        // The bake ends only on a conclusive healthy verdict taken once the bake time is over.
        if (bakeOver) {
            ringDone(r, now, notes, ring);
            return;
        }
        r.nextCheckAt(now.plus(settings.checkEvery()));
        r.nextStepAt(min(r.nextCheckAt(), r.bakeUntil()));
    }

    private void ringDone(Rollout r, Instant now, List<RolloutNotification> notes, PlannedRing ring) {
        long failed = r.cellsOf(ring.ring()).stream().filter(c -> c.status() == CellStatus.FAILED).count();
        String message = "ring " + ring.ring() + " done: " + (ring.cells().size() - failed) + " of "
                + ring.cells().size() + " cells hold " + r.request().change().describe();
        r.event(now, "ring-done", ring.ring(), null, ENGINE, message, Map.of());
        if (r.request().mode() == Mode.GRADUAL) {
            notes.add(note(r, RolloutNotification.Event.RING_DONE, ring.ring(), message, now, List.of()));
        }
        r.ringIndex(r.ringIndex() + 1);
        r.bake(null, null);
        if (r.currentRing().isEmpty()) {
            finish(r, notes);
            return;
        }
        PlannedRing next = r.currentRing().get();
        r.event(now, "ring-started", next.ring(), null, ENGINE, "ring " + next.ring() + " (" + next.name() + "): "
                + next.cells().size() + " cells", Map.of());
        if (r.request().mode() == Mode.IMMEDIATE) {
            // The previous ring's apply read this ring's snapshot; a cell it could not read is not asked again
            // (every attempt at a dead cell costs the retries' timeouts, and mitigation comes before a rollback point).
            startApply(r, next, now);
            return;
        }
        r.phase(Phase.PREFLIGHT);
        r.nextStepAt(now);
    }

    /**
     * Ends the rollout at the time the step that ends it saves, not the time the step started: the last ring's cell
     * calls are part of how long the rollout took, and {@code finishedAt - createdAt} is what people quote.
     */
    private void finish(Rollout r, List<RolloutNotification> notes) {
        Instant now = clock.instant();
        List<String> failures = r.cells().values().stream().filter(c -> c.status() == CellStatus.FAILED)
                .map(c -> c.cellId() + ": " + c.error()).toList();
        if (failures.isEmpty()) {
            r.moveTo(RolloutState.COMPLETED, null, now);
            r.event(now, "completed", null, null, ENGINE, "completed: " + r.request().change().describe()
                    + " on " + r.cells().size() + " cells", Map.of());
            notes.add(note(r, RolloutNotification.Event.COMPLETED, null, "completed on " + r.cells().size()
                    + " cells", now, List.of()));
        } else {
            String why = failures.size() + " of " + r.cells().size() + " cells failed";
            r.moveTo(RolloutState.COMPLETED_WITH_FAILURES, why, now);
            r.event(now, "completed", null, null, ENGINE, "completed with failures: " + why,
                    Map.of("failures", failures));
            notes.add(note(r, RolloutNotification.Event.COMPLETED_WITH_FAILURES, null, why, now, failures));
        }
    }

    // ---- health --------------------------------------------------------------------------------------------------

    private RingVerdict evaluate(Rollout r, PlannedRing ring) {
        RingVerdict verdict = health.evaluate(ring.ring(), ring.cells(), r.request().flag(), ring.checks(),
                checks.get());
        metrics.evaluated(verdict);
        return verdict;
    }

    /** The rings before {@code upTo} in the plan that hold the change: they keep being watched. */
    private List<RingVerdict> evaluateDone(Rollout r, int upTo) {
        List<RingVerdict> verdicts = new ArrayList<>();
        for (int i = 0; i < Math.min(upTo, r.plan().size()); i++) {
            PlannedRing ring = r.plan().get(i);
            if (r.cellsOf(ring.ring()).stream().anyMatch(c -> c.status().mayBeTouched())) {
                verdicts.add(evaluate(r, ring));
            }
        }
        return verdicts;
    }

    private void record(Rollout r, Instant now, RingVerdict verdict, String during) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("during", during);
        detail.put("outcome", verdict.outcome().wireName());
        detail.put("checks", verdict.checks().stream().map(RolloutEngine::checkDetail).toList());
        r.event(now, "check", verdict.ring(), null, ENGINE, during + ": " + verdict.outcome().wireName() + ": "
                + verdict.summary(), detail);
    }

    private static Map<String, Object> checkDetail(CheckVerdict c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("check", c.check());
        m.put("query", c.query());
        m.put("value", c.value() == null || c.value().isNaN() || c.value().isInfinite() ? String.valueOf(c.value())
                : c.value());
        m.put("halt", c.halt());
        m.put("rollback", c.rollback());
        m.put("outcome", c.outcome().wireName());
        m.put("summary", c.summary());
        return m;
    }

    private void inconclusive(Rollout r, Instant now, List<RingVerdict> verdicts, List<RolloutNotification> notes) {
        int streak = r.inconclusiveStreak() + 1;
        r.inconclusiveStreak(streak);
        String summary = verdicts.stream().filter(v -> !v.outcome().isConclusive()).map(RingVerdict::summary)
                .collect(Collectors.joining("; "));
        if (streak >= settings.maxInconclusive()) {
            halt(r, now, "no conclusive health verdict in " + streak + " evaluations in a row: " + summary, notes);
            return;
        }
        r.nextCheckAt(now.plus(settings.checkEvery()));
        r.nextStepAt(r.nextCheckAt());
    }

    private static String worstSummary(List<RingVerdict> verdicts) {
        Outcome worst = verdicts.stream().map(RingVerdict::outcome).reduce(Outcome.HEALTHY, Outcome::worst);
        return verdicts.stream().filter(v -> v.outcome() == worst).map(RingVerdict::summary)
                .collect(Collectors.joining("; "));
    }

    // ---- blocked, halted, paused ---------------------------------------------------------------------------------

    private void blocked(Rollout r, Instant now, List<RolloutNotification> notes) {
        PlannedRing ring = r.currentRing().orElseThrow();
        if (watchDone(r, now, r.ringIndex())) {
            return;
        }
        List<ActiveIncident> active = incidents.activeOn(ring.ring());
        if (!active.isEmpty()) {
            r.nextStepAt(min(now.plus(settings.blockedRecheck()), r.nextCheckAt()));
            return;
        }
        r.moveTo(RolloutState.RUNNING, null, now);
        r.phase(Phase.PREFLIGHT);
        r.nextStepAt(now);
        r.event(now, "unblocked", ring.ring(), null, ENGINE, "ring " + ring.ring() + " has no active incident",
                Map.of());
    }

    /** A stopped rollout is still watched: crossing a rollback threshold reverses it without waiting for a human. */
    private void watch(Rollout r, Instant now, List<RolloutNotification> notes) {
        if (r.rollbackStarted()) {
            r.nextStepAt(null);
            return;
        }
        watchDone(r, now, r.plan().size());
        if (r.state() != RolloutState.ROLLING_BACK && r.nextCheckAt() == null) {
            r.nextStepAt(null);
        }
    }

    /**
     * Evaluates the touched rings before {@code upTo} when a check is due; starts a rollback when one crossed its
     * rollback threshold. Returns true when it did.
     */
    private boolean watchDone(Rollout r, Instant now, int upTo) {
        if (r.nextCheckAt() != null && now.isBefore(r.nextCheckAt())) {
            r.nextStepAt(r.nextCheckAt());
            return false;
        }
        List<RingVerdict> verdicts = evaluateDone(r, upTo);
        if (verdicts.isEmpty()) {
            r.nextCheckAt(null);
            return false;
        }
        verdicts.forEach(v -> record(r, now, v, "watch"));
        Optional<RingVerdict> rollback = verdicts.stream().filter(v -> v.outcome() == Outcome.ROLLBACK).findFirst();
        if (rollback.isPresent()) {
            startRollback(r, now, ENGINE, rollback.get().summary());
            return true;
        }
        r.nextCheckAt(now.plus(settings.checkEvery()));
        r.nextStepAt(r.nextCheckAt());
        return false;
    }

    private void halt(Rollout r, Instant now, String why, List<RolloutNotification> notes) {
        Integer ring = r.currentRing().map(PlannedRing::ring).orElse(null);
        r.moveTo(RolloutState.HALTED, why, now);
        r.inconclusiveStreak(0);
        r.nextCheckAt(now.plus(settings.checkEvery()));
        r.nextStepAt(r.nextCheckAt());
        r.event(now, "halted", ring, null, ENGINE, "halted: " + why, Map.of());
        notes.add(note(r, RolloutNotification.Event.HALTED, ring, why, now, List.of()));
        metrics.halted(r);
    }

    // ---- rollback ------------------------------------------------------------------------------------------------

    void startRollback(Rollout r, Instant now, String by, String why) {
        r.moveTo(RolloutState.ROLLING_BACK, why, now);
        r.rollbackStarted(true);
        r.bake(null, null);
        r.nextStepAt(now);
        r.event(now, "rollback-started", null, null, by, "rolling back: " + why, Map.of());
        metrics.rolledBack(r);
    }

    /** Restores one ring per step, the outermost touched ring first. */
    private void rollingBack(Rollout r, Instant now, List<RolloutNotification> notes) {
        for (int i = r.plan().size() - 1; i >= 0; i--) {
            PlannedRing ring = r.plan().get(i);
            List<CellProgress> touched = r.cellsOf(ring.ring()).stream()
                    .filter(c -> c.status() == CellStatus.SNAPSHOTTED || c.status() == CellStatus.APPLIED
                            || c.status() == CellStatus.FAILED)
                    // A gradual rollout writes only to cells it read first: one it could not read was never changed.
                    .filter(c -> c.snapshotTaken() || r.request().mode() == Mode.IMMEDIATE)
                    .toList();
            if (touched.isEmpty()) {
                continue;
            }
            Map<String, Optional<Gates>> snapshots = new LinkedHashMap<>();
            for (CellProgress c : touched) {
                if (c.snapshotTaken()) {
                    snapshots.put(c.cellId(), c.snapshot());
                } else {
                    String why = "no snapshot to restore: the cell could not be read before the change";
                    r.put(c.restoreFailed(why, c.after(), now));
                    r.event(now, "restore-failed", ring.ring(), c.cellId(), ENGINE, c.cellId() + ": " + why, Map.of());
                }
            }
            r.event(now, "ring-restore", ring.ring(), null, ENGINE, "restoring " + snapshots.size()
                    + " cells of ring " + ring.ring(), Map.of());
            Map<String, CellResult<Optional<Gates>>> results = cells.restore(snapshots, r.request().flag());
            results.forEach((cellId, result) -> {
                CellProgress c = r.cell(cellId);
                if (result instanceof CellResult.Ok<Optional<Gates>> ok && ok.value().equals(c.snapshot())) {
                    r.put(c.restored(ok.value(), now));
                    r.event(now, "cell-restored", ring.ring(), cellId, ENGINE, cellId + ": back to "
                            + describe(c.snapshot()), detail("after", describe(ok.value())));
                } else {
                    Optional<Gates> observed = result instanceof CellResult.Ok<Optional<Gates>> ok ? ok.value()
                            : c.after();
                    String why = result instanceof CellResult.Ok<?> ? CellProgress.READ_BACK + " " + describe(observed)
                            + ", snapshot was " + describe(c.snapshot()) : errorOf(result);
                    r.put(c.restoreFailed(why, observed, now));
                    r.event(now, "restore-failed", ring.ring(), cellId, ENGINE, cellId + ": " + why, Map.of());
                }
            });
            r.nextStepAt(now);
            return;
        }
        List<String> failures = r.cells().values().stream().filter(c -> c.status() == CellStatus.RESTORE_FAILED)
                .map(c -> c.cellId() + ": " + c.error()).toList();
        if (failures.isEmpty()) {
            String why = r.reason();
            r.moveTo(RolloutState.ROLLED_BACK, why, now);
            r.event(now, "rolled-back", null, null, ENGINE, "rolled back every touched cell", Map.of());
            notes.add(note(r, RolloutNotification.Event.ROLLED_BACK, null, why, now, List.of()));
        } else {
            String why = "rollback incomplete: " + failures.size() + " cells could not be restored; first: "
                    + failures.get(0);
            r.moveTo(RolloutState.HALTED, why, now);
            r.nextStepAt(null);
            r.event(now, "halted", null, null, ENGINE, "halted: " + why, Map.of("failures", failures));
            notes.add(note(r, RolloutNotification.Event.HALTED, null, why, now, failures));
        }
    }

    // ---- operator actions ----------------------------------------------------------------------------------------

    /**
     * Applies an operator's action and saves it; retried on a concurrent change so an engine step in flight never
     * makes the operator's call fail.
     *
     * @throws OperationRefused when the action makes no sense in the rollout's state
     */
    public Rollout operate(long id, Operation operation, String by, String why) {
        for (int attempt = 0; ; attempt++) {
            Rollout r = store.find(id).orElseThrow(() -> new java.util.NoSuchElementException("no rollout " + id));
            Instant now = clock.instant();
            List<RolloutNotification> notes = new ArrayList<>();
            Operations.apply(this, r, operation, by, why, now, notes);
            if (store.save(r, null)) {
                notes.forEach(notifier::publish);
                metrics.stepped(r);
                return r;
            }
            if (attempt >= 20) {
                throw new IllegalStateException("rollout " + id + " kept changing; try again");
            }
        }
    }

    EngineSettings settings() {
        return settings;
    }

    RolloutNotification note(Rollout r, RolloutNotification.Event event, Integer ring, String summary, Instant at,
                             List<String> failures) {
        RolloutRequest q = r.request();
        return new RolloutNotification(event, Long.toString(r.id()), q.flag(), q.change().describe(), q.upToRing(),
                q.mode().wireName(), q.initiator(), ring, summary, at, failures);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static String describe(Optional<Gates> gates) {
        return Gates.describe(gates);
    }

    private static String errorOf(CellResult<?> result) {
        if (result instanceof CellResult.Failed<?> f) {
            return f.error().kind().wireName() + ": " + f.error().message();
        }
        return "unexpected answer";
    }

    private static Map<String, Object> detail(String... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Instant min(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isBefore(b) ? a : b;
    }

    static String human(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        return d.toString().substring(2).toLowerCase();
    }
}
