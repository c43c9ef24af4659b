package dev.ripple.rollout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One rollout as the engine works on it: the request, the frozen plan, where it stands, and every cell's progress.
 * Loaded from the {@link RolloutStore} at the start of each step and saved at its end; the store writes only the
 * cells and events a step touched.
 */
public final class Rollout {
    private final long id;
    private final RolloutRequest request;
    private final List<PlannedRing> plan;
    private final Instant createdAt;
    private long version;
    private final Map<String, CellProgress> cells;
    private final Set<String> dirtyCells = new LinkedHashSet<>();
    private final List<TimelineEvent> newEvents = new ArrayList<>();

    private RolloutState state;
    private Phase phase;
    private int ringIndex;
    private String reason;
    private Instant bakeUntil;
    private Instant nextCheckAt;
    private Instant nextStepAt;
    private int inconclusiveStreak;
    private boolean rollbackStarted;
    private Instant finishedAt;

    public Rollout(long id, RolloutRequest request, List<PlannedRing> plan, Instant createdAt, long version,
                   Map<String, CellProgress> cells, RolloutState state, Phase phase, int ringIndex, String reason,
                   Instant bakeUntil, Instant nextCheckAt, Instant nextStepAt, int inconclusiveStreak,
                   boolean rollbackStarted, Instant finishedAt) {
        this.id = id;
        this.request = request;
        this.plan = List.copyOf(plan);
        this.createdAt = createdAt;
        this.version = version;
        this.cells = new LinkedHashMap<>(cells);
        this.state = state;
        this.phase = phase;
        this.ringIndex = ringIndex;
        this.reason = reason;
        this.bakeUntil = bakeUntil;
        this.nextCheckAt = nextCheckAt;
        this.nextStepAt = nextStepAt;
        this.inconclusiveStreak = inconclusiveStreak;
        this.rollbackStarted = rollbackStarted;
        this.finishedAt = finishedAt;
    }

    /** A new rollout at the start of its plan, every cell pending. */
    public static Rollout start(long id, RolloutRequest request, List<PlannedRing> plan, Instant now) {
        Map<String, CellProgress> cells = new LinkedHashMap<>();
        plan.forEach(r -> r.cells().forEach(c -> cells.put(c, CellProgress.pending(c, r.ring()))));
        Phase first = request.mode() == Mode.GRADUAL ? Phase.PREFLIGHT : Phase.SNAPSHOT;
        Rollout rollout = new Rollout(id, request, plan, now, 0, cells, RolloutState.RUNNING, first, 0, null, null,
                null, now, 0, false, null);
        rollout.dirtyCells.addAll(cells.keySet());
        return rollout;
    }

    public long id() {
        return id;
    }

    public RolloutRequest request() {
        return request;
    }

    public List<PlannedRing> plan() {
        return plan;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public long version() {
        return version;
    }

    public RolloutState state() {
        return state;
    }

    public Phase phase() {
        return phase;
    }

    public int ringIndex() {
        return ringIndex;
    }

    /** The ring being worked on, or empty once the plan is done. */
    public Optional<PlannedRing> currentRing() {
        return ringIndex < plan.size() ? Optional.of(plan.get(ringIndex)) : Optional.empty();
    }

    /** Why it is blocked, halted, rolled back or failed; null while all is well. */
    public String reason() {
        return reason;
    }

    public Instant bakeUntil() {
        return bakeUntil;
    }

    public Instant nextCheckAt() {
        return nextCheckAt;
    }

    /** When the engine next wants to step it; null when only an operator can move it. */
    public Instant nextStepAt() {
        return nextStepAt;
    }

    public int inconclusiveStreak() {
        return inconclusiveStreak;
    }

    public boolean rollbackStarted() {
        return rollbackStarted;
    }

    public Instant finishedAt() {
        return finishedAt;
    }

    public Map<String, CellProgress> cells() {
        return Collections.unmodifiableMap(cells);
    }

    public List<CellProgress> cellsOf(int ring) {
        return cells.values().stream().filter(c -> c.ring() == ring).toList();
    }

    public CellProgress cell(String id) {
        return cells.get(id);
    }

    void put(CellProgress progress) {
        cells.put(progress.cellId(), progress);
        dirtyCells.add(progress.cellId());
    }

    void event(Instant at, String type, Integer ring, String cell, String actor, String message,
               Map<String, Object> detail) {
        newEvents.add(new TimelineEvent(null, id, at, type, ring, cell, actor, message, detail));
    }

    void moveTo(RolloutState newState, String why, Instant now) {
        state = newState;
        reason = why;
        if (newState.isTerminal()) {
            finishedAt = now;
            nextStepAt = null;
        }
    }

    void phase(Phase newPhase) {
        phase = newPhase;
    }

    void ringIndex(int index) {
        ringIndex = index;
    }

    void bake(Instant until, Instant firstCheck) {
        bakeUntil = until;
        nextCheckAt = firstCheck;
    }

    void nextCheckAt(Instant at) {
        nextCheckAt = at;
    }

    void nextStepAt(Instant at) {
        nextStepAt = at;
    }

    void inconclusiveStreak(int streak) {
        inconclusiveStreak = streak;
    }

    void rollbackStarted(boolean started) {
        rollbackStarted = started;
    }

    /**
     * The store has just saved this rollout: it now reads as the stored row at its next version would load, with
     * nothing left to write, so the next step can go on from it without loading it again.
     */
    public void saved() {
        version++;
        dirtyCells.clear();
        newEvents.clear();
    }

    /** Cells whose progress changed since the rollout was loaded: the store writes only these. */
    public List<CellProgress> dirtyCells() {
        return dirtyCells.stream().map(cells::get).toList();
    }

    /** Events added since the rollout was loaded. */
    public List<TimelineEvent> newEvents() {
        return List.copyOf(newEvents);
    }
}
