package dev.ripple.cells;

import dev.ripple.flags.GateChange;
import dev.ripple.flags.Gates;
import dev.ripple.flags.ObservedFlag;
import dev.ripple.platform.Backoff;
import dev.ripple.platform.Failures;
import dev.ripple.topology.Cell;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one way into cells. Picks the adapter a cell declares and wraps every call with what a fleet needs: a timeout
 * per attempt, retries with exponential backoff and jitter on transient failures (a gate set is idempotent, so
 * repeating one is safe), a breaker per cell, metrics per cell and operation, and bounded, non-blocking fan-out.
 */
@ApplicationScoped
public class CellGateway {
    private final Map<String, CellAdapter> adapters;
    private final CellsConfig config;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, CellBreaker> breakers = new ConcurrentHashMap<>();
    /** Every call of every fan-out (refreshes, rollouts, fresh reads) takes a place here while it is on the wire. */
    private final CallLimit inFlight;
    /** One call at a time per cell: a cell is never asked twice at once, whichever fan-outs overlap. */
    private final Map<String, CallLimit> perCell = new ConcurrentHashMap<>();

    CellGateway(Instance<CellAdapter> adapters, CellsConfig config, MeterRegistry registry, Clock clock) {
        this.adapters = adapters.stream().collect(Collectors.toMap(CellAdapter::type, a -> a));
        this.config = config;
        this.registry = registry;
        this.clock = clock;
        this.inFlight = new CallLimit(Math.max(1, config.concurrency()));
        Gauge.builder("ripple.cell.calls.waiting", inFlight, CallLimit::waiting)
                .description("Cell calls waiting for a place under ripple.cells.concurrency").register(registry);
    }

    public Uni<CellResult<List<ObservedFlag>>> listFlags(Cell cell) {
        return call(cell, "list", adapter -> adapter.listFlags(cell));
    }

    /** One flag of a cell ({@link CellAdapter#readFlag}); counted as a {@code list} call, which it is on the wire. */
    public Uni<CellResult<Optional<Gates>>> readFlag(Cell cell, String flag) {
        return call(cell, "list", adapter -> adapter.readFlag(cell, flag));
    }

    public Uni<CellResult<ObservedFlag>> setGate(Cell cell, String flag, GateChange change) {
        return call(cell, "set", adapter -> adapter.setGate(cell, flag, change));
    }

    public Uni<CellResult<Void>> deleteFlag(Cell cell, String flag) {
        return call(cell, "delete", adapter -> adapter.deleteFlag(cell, flag));
    }

    /**
     * Runs {@code call} for every cell, all at once up to {@code ripple.cells.concurrency} calls in flight across
     * Ripple, and answers once all are done, keyed by cell id in the order given. One cell's failure never fails the
     * others.
     */
    public <T> Uni<Map<String, CellResult<T>>> forEach(Collection<Cell> cells,
                                                        Function<Cell, Uni<CellResult<T>>> call) {
        return forEach(Multi.createFrom().iterable(cells), call, cells);
    }

    /**
     * As {@link #forEach(Collection, Function)}, for cells released over time by {@code source} (a paced, jittered
     * refresh): the bound applies to calls in flight, not to cells still waiting. {@code order} orders the answer.
     */
    public <T> Uni<Map<String, CellResult<T>>> forEach(Multi<Cell> source, Function<Cell, Uni<CellResult<T>>> call,
                                                        Collection<Cell> order) {
        if (order.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return source
                .onItem().transformToUni(cell -> call.apply(cell).map(result -> Map.entry(cell.id(), result)))
                .merge(Math.max(1, config.concurrency()))
                .collect().asMap(Map.Entry::getKey, Map.Entry::getValue)
                .map(byId -> {
                    Map<String, CellResult<T>> ordered = new LinkedHashMap<>();
                    order.forEach(c -> ordered.put(c.id(), byId.get(c.id())));
                    return ordered;
                });
    }

    /** The breaker's view of a cell: closed, open (failing fast until {@code until}) or half-open. */
    public BreakerStatus breaker(String cellId) {
        CellBreaker breaker = breakers.get(cellId);
        return breaker == null ? new BreakerStatus("closed", null)
                : new BreakerStatus(breaker.state().name().toLowerCase().replace('_', '-'), breaker.openUntil());
    }

    public record BreakerStatus(String state, Instant openUntil) {
    }

    <T> Uni<CellResult<T>> call(Cell cell, String operation, Function<CellAdapter, Uni<CellResult<T>>> call) {
        CellAdapter adapter = adapters.get(cell.adapter());
        if (adapter == null) {
            return Uni.createFrom().item(CellResult.failed(CellError.Kind.UNSUPPORTED,
                    "no adapter of type '" + cell.adapter() + "'; known: " + adapters.keySet()));
        }
        CellBreaker breaker = breakers.computeIfAbsent(cell.id(), id -> new CellBreaker(clock,
                config.breaker().failureThreshold(), config.breaker().openFor()));
        if (!breaker.tryAcquire()) {
            CellResult<T> open = CellResult.failed(new CellError(CellError.Kind.CIRCUIT_OPEN,
                    "breaker open after repeated failures; next probe after " + breaker.openUntil(), null, 0));
            record(cell, operation, open, 0);
            return Uni.createFrom().item(open);
        }
        long[] started = new long[1];
        return perCell.computeIfAbsent(cell.id(), id -> new CallLimit(1))
                .run(() -> attempt(adapter, call, 1, started))
                .map(result -> {
                    if (result instanceof CellResult.Failed<T> f && f.error().kind().isTransient()) {
                        breaker.onTransientFailure();
                    } else if (result.isOk()) {
                        breaker.onSuccess();
                    } else {
                        breaker.onNeutral();
                    }
                    record(cell, operation, result, System.nanoTime() - started[0]);
                    return result;
                });
    }

    /**
     * One attempt, holding a place under the concurrency limit while it is on the wire (its timeout starts then),
     * and the retries after it, whose backoff holds no place. {@code started} gets the time the first one started.
     */
    private <T> Uni<CellResult<T>> attempt(CellAdapter adapter, Function<CellAdapter, Uni<CellResult<T>>> call,
                                           int attempt, long[] started) {
        Duration timeout = config.timeout();
        return inFlight.run(() -> {
                    if (attempt == 1) {
                        started[0] = System.nanoTime();
                    }
                    String noAnswer = "no answer within " + timeout.toMillis() + " ms";
                    return Uni.createFrom().deferred(() -> call.apply(adapter))
                            .ifNoItem().after(timeout).recoverWithItem(() -> CellResult.failed(CellError.Kind.TIMEOUT,
                                    noAnswer))
                            .onFailure().recoverWithItem(t -> Failures.isTimeout(t)
                                    ? CellResult.failed(CellError.Kind.TIMEOUT, noAnswer)
                                    : CellResult.failed(CellError.Kind.UNREACHABLE, Failures.describe(t)));
                })
                .flatMap(result -> {
                    if (result instanceof CellResult.Failed<T> f) {
                        if (f.error().kind().isTransient() && attempt < config.retry().maxAttempts()) {
                            return Uni.createFrom().voidItem().onItem().delayIt().by(backoff(attempt))
                                    .flatMap(x -> attempt(adapter, call, attempt + 1, started));
                        }
                        CellError e = f.error();
                        return Uni.createFrom().item(CellResult.<T>failed(
                                new CellError(e.kind(), e.message(), e.httpStatus(), attempt)));
                    }
                    return Uni.createFrom().item(result);
                });
    }

    /** Exponential backoff capped at {@code maxBackoff}, with the configured share of it drawn at random. */
    Duration backoff(int attempt) {
        CellsConfig.Retry retry = config.retry();
        return Backoff.exponential(attempt, retry.initialBackoff(), retry.maxBackoff(), retry.jitter());
    }

    private void record(Cell cell, String operation, CellResult<?> result, long nanos) {
        String outcome = result instanceof CellResult.Failed<?> f ? f.error().kind().wireName() : "ok";
        Timer.builder("ripple.cell.call")
                .description("Calls to cells' admin APIs, retries included")
                .tags("cell", cell.id(), "ring", Integer.toString(cell.ring()), "operation", operation,
                        "outcome", outcome)
                .register(registry)
                .record(Duration.ofNanos(nanos));
        if (!result.isOk()) {
            registry.counter("ripple.cell.call.errors", "cell", cell.id(), "operation", operation, "kind", outcome)
                    .increment();
        }
    }
}
