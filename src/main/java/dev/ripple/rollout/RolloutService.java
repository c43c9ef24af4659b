package dev.ripple.rollout;

import dev.ripple.cache.CellState;
import dev.ripple.cache.CellStateCache;
import dev.ripple.flags.Gates;
import dev.ripple.health.CheckRule;
import dev.ripple.health.HealthCheck;
import dev.ripple.notify.Notifier;
import dev.ripple.notify.RolloutNotification;
import dev.ripple.platform.Sha256;
import dev.ripple.topology.Topology;
import dev.ripple.topology.TopologyService;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What the API and ChatOps call: start (or dry-run) a rollout, read rollouts, act on them. No HTTP types here. */
@ApplicationScoped
public class RolloutService {
    private final RolloutStore store;
    private final RolloutEngine engine;
    private final RolloutDriver driver;
    private final TopologyService topology;
    private final CellStateCache cache;
    private final Notifier notifier;
    private final Clock clock;
    private final StartGate gate;

    RolloutService(RolloutStore store, RolloutEngine engine, RolloutDriver driver, TopologyService topology,
                   CellStateCache cache, Notifier notifier, Clock clock, StartGate gate) {
        this.store = store;
        this.engine = engine;
        this.driver = driver;
        this.topology = topology;
        this.cache = cache;
        this.notifier = notifier;
        this.clock = clock;
        this.gate = gate;
    }

    /** The plan of a request, each cell's current gates and what they will become; nothing is started. */
    public DryRun dryRun(RolloutRequest request) {
        validate(request);
        Topology current = topology.current();
        List<PlannedRing> plan = Planner.plan(current, request);
        List<DryRun.Ring> rings = plan.stream().map(ring -> new DryRun.Ring(ring.ring(), ring.name(), ring.bake(),
                ring.checks().stream().map(rule -> check(current, ring, rule, request.flag())).toList(),
                ring.cells().stream().map(id -> {
                    CellState state = cache.getOrNeverRead(id);
                    Optional<Gates> now = Optional.ofNullable(state.flags().get(request.flag()));
                    return new DryRun.Cell(id, state.everRead() ? Gates.describe(now) : "unknown (never read)",
                            Gates.describe(request.change().applyTo(now)), state.stale(), state.readAt());
                }).toList())).toList();
        return new DryRun(request.flag(), request.change().describe(), request.mode(), request.upToRing(), rings,
                store.activeFor(request.flag()).orElse(null));
    }

    private static DryRun.Check check(Topology topology, PlannedRing ring, CheckRule rule, String flag) {
        HealthCheck check = topology.checks().get(rule.check());
        return new DryRun.Check(rule.check(), rule.halt(), rule.rollback().orElse(null),
                check == null ? null : check.unhealthyWhen().wireName(),
                check == null ? null : check.render(ring.ring(), ring.cells(), flag));
    }

    /**
     * Starts a rollout, or returns the one an earlier request with the same idempotency key started.
     *
     * @throws RolloutRejected     the request is invalid; nothing started
     * @throws FlagBusyException   the flag has an active rollout
     * @throws IdempotencyKeyReuse the key came with a different request
     * @throws TooManyStarts       no turn to create it came within {@code ripple.rollouts.start-wait}; nothing started
     */
    public RolloutStore.Created start(RolloutRequest request) {
        validate(request);
        List<PlannedRing> plan = Planner.plan(topology.current(), request);
        RolloutStore.Created created = gate.admit(() -> store.create(request, hash(request), plan, clock.instant()));
        if (!created.existing()) {
            Rollout r = created.rollout();
            notifier.publish(engine.note(r, RolloutNotification.Event.STARTED, null, request.initiator()
                    + " started " + request.change().describe() + " up to ring " + request.upToRing(),
                    clock.instant(), List.of()));
            driver.kick(r.id());
        }
        return created;
    }

    public Rollout operate(long id, Operation operation, String by, String why) {
        if (by == null || by.isBlank()) {
            throw new RolloutRejected("bad-request", "say who is acting: 'by' is required");
        }
        Rollout r = engine.operate(id, operation, by, why);
        driver.kick(id);
        return r;
    }

    public Optional<Rollout> find(long id) {
        return store.find(id);
    }

    /** The active rollout of a flag, if any. */
    public Optional<Long> activeFor(String flag) {
        return store.activeFor(flag);
    }

    /**
     * The outermost ring of the current topology, quarantine aside: where a request that names no ring goes.
     *
     * @throws RolloutRejected {@code ring-out-of-range} when {@code rings/} has no ring outside quarantine
     */
    public int outermostRing() {
        return Planner.outermostRing(topology.current()).orElseThrow(() -> new RolloutRejected("ring-out-of-range",
                "rings/ has no ring outside quarantine"));
    }

    public List<RolloutSummary> list(Optional<String> flag, Optional<RolloutState> state, Long beforeId, int limit) {
        return store.list(flag, state, beforeId, limit);
    }

    public List<TimelineEvent> timeline(long id, Long afterId, int limit) {
        return store.timeline(id, afterId, limit);
    }

    private static void validate(RolloutRequest request) {
        if (request.initiator() == null || request.initiator().isBlank()) {
            throw new RolloutRejected("bad-request", "requestedBy is required: who asked for this rollout");
        }
        if (request.flag() == null || request.flag().isBlank()) {
            throw new RolloutRejected("bad-request", "flag is required");
        }
        if (request.issue() != null && !request.issue().matches("^https?://\\S+$")) {
            throw new RolloutRejected("bad-request", "rolloutIssue must be an http(s) URL");
        }
    }

    static String hash(RolloutRequest r) {
        return Sha256.start().add(r.flag()).add(ChangeSpec.of(r.change()).toString()).add(r.upToRing())
                .add(r.mode().name()).add(String.join(",", r.cells())).add(r.initiator()).add(String.valueOf(r.reason()))
                .add(String.valueOf(r.issue())).hex();
    }

    /** A rollout that would start: the rings in order, each cell now and after. */
    public record DryRun(String flag, String change, Mode mode, int upToRing, List<Ring> rings, Long activeRollout) {
        public record Ring(int ring, String name, Duration bake, List<Check> checks, List<Cell> cells) {
        }

        public record Check(String check, double halt, Double rollback, String unhealthyWhen, String query) {
        }

        public record Cell(String cell, String now, String after, boolean stale, Instant readAt) {
        }
    }
}
