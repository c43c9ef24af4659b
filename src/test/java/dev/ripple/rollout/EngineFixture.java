package dev.ripple.rollout;

import dev.ripple.flags.FlagDefinition;
import dev.ripple.flags.FlagType;
import dev.ripple.flags.Gates;
import dev.ripple.flags.GateChange;
import dev.ripple.health.CheckRule;
import dev.ripple.health.Direction;
import dev.ripple.health.HealthCheck;
import dev.ripple.health.HealthEvaluator;
import dev.ripple.health.RolloutPolicy;
import dev.ripple.incidents.ActiveIncident;
import dev.ripple.incidents.IncidentView;
import dev.ripple.notify.RolloutNotification;
import dev.ripple.testing.MutableClock;
import dev.ripple.topology.Cell;
import dev.ripple.topology.CredentialRef;
import dev.ripple.topology.Ring;
import dev.ripple.topology.RingPolicy;
import dev.ripple.topology.Topology;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * An engine on fakes: rings 0–3 (ring {@code i} has {@code i + 1} cells named {@code c<ring>-<n>}), quarantine cells
 * {@code q-1}, {@code q-2}, one check {@code errors} (halt 0.02, rollback 0.05), 10 min bake per ring, checks every
 * minute, halt after 3 inconclusive evaluations. {@link #restart()} builds a new engine on the same store and cells.
 */
final class EngineFixture {
    static final String FLAG = "new_search_ui";
    static final Duration BAKE = Duration.ofMinutes(10);
    static final Duration CHECK_EVERY = Duration.ofMinutes(1);

    static final Instant START = Instant.parse("2026-11-21T10:00:00Z");

    final MutableClock clock = new MutableClock(START);
    final InMemoryRolloutStore store = new InMemoryRolloutStore();
    final FakeCells cells = new FakeCells();
    final FakeMetrics metrics = new FakeMetrics();
    final Map<Integer, List<ActiveIncident>> incidents = new HashMap<>();
    final List<RolloutNotification> notifications = new ArrayList<>();
    final Topology topology = topology();
    RolloutEngine engine;

    EngineFixture() {
        restart();
    }

    void restart() {
        IncidentView view = ring -> incidents.getOrDefault(ring, List.of());
        engine = new RolloutEngine(store, cells, new HealthEvaluator(metrics), topology::checks, view,
                notifications::add, clock, new EngineSettings(CHECK_EVERY, 3, Duration.ofSeconds(30)),
                EngineMetrics.NONE);
    }

    static Topology topology() {
        HealthCheck errors = new HealthCheck("errors", "error ratio", "errors{ring=\"{{ring}}\",cells=~\"{{cells}}\"}",
                Direction.ABOVE);
        RolloutPolicy policy = new RolloutPolicy(Optional.of(BAKE),
                List.of(new CheckRule("errors", 0.02, Optional.of(0.05))));
        List<Ring> rings = new ArrayList<>();
        rings.add(new Ring(Ring.QUARANTINE_ID, "quarantine", new RingPolicy(false, true, policy),
                List.of(cell("q-1", -1), cell("q-2", -1))));
        for (int r = 0; r <= 3; r++) {
            int ring = r;
            rings.add(new Ring(r, "ring-" + r, new RingPolicy(false, false, policy),
                    IntStream.rangeClosed(1, r + 1).mapToObj(n -> cell("c" + ring + "-" + n, ring)).toList()));
        }
        FlagDefinition flag = new FlagDefinition(FLAG, "@team", FlagType.DERISK, "d", "g", false, Map.of(),
                RolloutPolicy.NONE);
        FlagDefinition other = new FlagDefinition("other_flag", "@team", FlagType.OPS, "d", "g", false, Map.of(),
                RolloutPolicy.NONE);
        return new Topology(rings, Map.of("errors", errors), Map.of(FLAG, flag, "other_flag", other), "v1");
    }

    private static Cell cell(String id, int ring) {
        return new Cell(id, ring, "gitlab", URI.create("sandbox://" + id),
                CredentialRef.parse("env:TOKEN").orElseThrow(), Map.of());
    }

    static RolloutRequest request(FlagChange change, int upTo, Mode mode) {
        return new RolloutRequest(FLAG, change, upTo, mode, List.of(), "alice", "testing", null, null);
    }

    static FlagChange on() {
        return new FlagChange.Gate(new GateChange.SetBoolean(true));
    }

    static FlagChange percentOfActors(int percent) {
        return new FlagChange.Gate(new GateChange.SetPercentage(GateChange.PercentageKind.ACTORS,
                BigDecimal.valueOf(percent)));
    }

    static ActiveIncident incident(String id, int ring) {
        return new ActiveIncident(id, ring, "sev2", "Login errors", null, "api", Instant.parse("2026-11-21T09:00:00Z"));
    }

    long start(RolloutRequest request) {
        return store.create(request, "hash", Planner.plan(topology, request), clock.instant()).rollout().id();
    }

    Rollout rollout(long id) {
        return store.find(id).orElseThrow();
    }

    /** Steps while the engine wants to step now; returns the number of steps taken. */
    int stepNow(long id) {
        int steps = 0;
        Rollout last = null;
        while (true) {
            // As the driver does: each step goes on from the rollout the one before saved.
            RolloutEngine.StepResult result = engine.step(id, null, last);
            last = result.rollout();
            steps++;
            if (!result.wantsStepBy(clock.instant()) || steps > 1000) {
                return steps;
            }
        }
    }

    /** Moves the clock to the rollout's next wanted step, then steps; false when it wants none. */
    boolean stepNext(long id) {
        if (!advanceToNextStep(id)) {
            return false;
        }
        stepNow(id);
        return true;
    }

    /** Moves the clock to the rollout's next wanted step and takes exactly that one step; false when it wants none. */
    boolean stepOnce(long id) {
        if (!advanceToNextStep(id)) {
            return false;
        }
        engine.step(id, null);
        return true;
    }

    private boolean advanceToNextStep(long id) {
        Rollout r = rollout(id);
        if (r.state().isTerminal() || r.nextStepAt() == null) {
            return false;
        }
        if (r.nextStepAt().isAfter(clock.instant())) {
            clock.advance(Duration.between(clock.instant(), r.nextStepAt()));
        }
        return true;
    }

    /** Steps one at a time until {@code reached} holds; fails the test if the rollout stops first. */
    void stepUntil(long id, Predicate<Rollout> reached) {
        for (int i = 0; !reached.test(rollout(id)); i++) {
            if (i > 1000 || !stepOnce(id)) {
                throw new AssertionError("the rollout stopped at " + rollout(id).state() + "/" + rollout(id).phase()
                        + " before reaching the expected point");
            }
        }
    }

    /** Starts a gradual rollout of "on" up to ring 3 and steps until it bakes the ring at {@code ringIndex}. */
    long startBaking(int ringIndex) {
        long id = start(request(on(), 3, Mode.GRADUAL));
        stepUntilBaking(id, ringIndex);
        return id;
    }

    /** Starts a gradual rollout of "on" up to ring 3 and halts it at the first check of ring 1 (errors 0.03). */
    long startHaltedOnRing1() {
        long id = startBaking(1);
        metrics.errors(1, 0.03);
        stepNext(id);
        return id;
    }

    /** Steps until the rollout bakes the ring at {@code ringIndex} of its plan. */
    void stepUntilBaking(long id, int ringIndex) {
        stepUntil(id, r -> r.state() == RolloutState.RUNNING && r.ringIndex() == ringIndex && r.phase() == Phase.BAKE);
    }

    /** Runs the rollout until it ends or waits for a human, at most {@code max} wake-ups. */
    RolloutState runUntilSettled(long id, int max) {
        for (int i = 0; i < max && stepNext(id); i++) {
            // keep going
        }
        return rollout(id).state();
    }

    List<String> eventTypes(long id) {
        return store.events(id).stream().map(TimelineEvent::type).toList();
    }

    List<TimelineEvent> events(long id, String type) {
        return store.events(id).stream().filter(e -> e.type().equals(type)).toList();
    }

    /** When the cells of {@code ring} were changed, one entry per cell. */
    List<Instant> changedAt(long id, int ring) {
        return events(id, "cell-changed").stream().filter(e -> e.ring() == ring).map(TimelineEvent::at).toList();
    }

    List<RolloutNotification.Event> notified() {
        return notifications.stream().map(RolloutNotification::event).toList();
    }

    Optional<Gates> gates(String cell) {
        return cells.gates(cell, FLAG);
    }
}
