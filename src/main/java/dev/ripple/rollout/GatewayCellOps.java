package dev.ripple.rollout;

import dev.ripple.cache.CellStateCache;
import dev.ripple.cells.CellError;
import dev.ripple.cells.CellGateway;
import dev.ripple.cells.CellResult;
import dev.ripple.flags.Gates;
import dev.ripple.flags.GateChange;
import dev.ripple.flags.ObservedFlag;
import dev.ripple.topology.Cell;
import dev.ripple.topology.TopologyService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link CellOps} over the {@link CellGateway}: bounded non-blocking fan-out, the gateway's timeouts, retries and
 * breakers. Every read-back also lands in the state cache, so the cache is fresh for a ring right after it is applied.
 */
@ApplicationScoped
class GatewayCellOps implements CellOps {
    /** The gateway bounds each call; this only guards against a bug leaving a call unanswered. */
    private static final Duration GUARD = Duration.ofMinutes(30);

    private final CellGateway gateway;
    private final TopologyService topology;
    private final CellStateCache cache;
    private final Clock clock;

    GatewayCellOps(CellGateway gateway, TopologyService topology, CellStateCache cache, Clock clock) {
        this.gateway = gateway;
        this.topology = topology;
        this.cache = cache;
        this.clock = clock;
    }

    @Override
    public Map<String, CellResult<Optional<Gates>>> read(List<String> cellIds, String flag) {
        return run(cellIds, cell -> readBack(cell, flag));
    }

    @Override
    public Map<String, CellResult<Optional<Gates>>> apply(List<String> cellIds, String flag, FlagChange change) {
        return applying(cellIds, flag, change).await().atMost(GUARD);
    }

    @Override
    public Both applyWhileReading(List<String> applyIds, List<String> readIds, String flag, FlagChange change) {
        return Uni.combine().all().unis(applying(applyIds, flag, change), fanOut(readIds, cell -> readBack(cell, flag)))
                .asTuple().map(both -> new Both(both.getItem1(), both.getItem2())).await().atMost(GUARD);
    }

    private Uni<Map<String, CellResult<Optional<Gates>>>> applying(List<String> cellIds, String flag,
                                                                   FlagChange change) {
        return fanOut(cellIds, cell -> write(cell, flag, change).flatMap(written -> written.isOk()
                ? readBack(cell, flag).map(GatewayCellOps::afterAcceptedWrite)
                : Uni.createFrom().item(written.map(x -> Optional.<Gates>empty()))));
    }

    /** A read-back that fails after the cell accepted the write says so: the change is probably in place. */
    private static CellResult<Optional<Gates>> afterAcceptedWrite(CellResult<Optional<Gates>> readBack) {
        if (readBack instanceof CellResult.Failed<Optional<Gates>> failed) {
            CellError e = failed.error();
            return CellResult.failed(new CellError(e.kind(), "the cell accepted the write, then reading it back "
                    + "failed: " + e.message(), e.httpStatus(), e.attempts()));
        }
        return readBack;
    }

    @Override
    public Map<String, CellResult<Optional<Gates>>> restore(Map<String, Optional<Gates>> snapshots, String flag) {
        return run(new ArrayList<>(snapshots.keySet()), cell -> readBack(cell, flag).flatMap(current -> {
            if (!current.isOk()) {
                return Uni.createFrom().item(current);
            }
            Optional<Gates> now = ((CellResult.Ok<Optional<Gates>>) current).value();
            List<FlagChange> steps = Restore.between(now, snapshots.get(cell.id())).changes();
            if (steps.isEmpty()) {
                return Uni.createFrom().item(current);
            }
            Uni<CellResult<Void>> chain = Uni.createFrom().item(CellResult.ok(null));
            for (FlagChange step : steps) {
                chain = chain.flatMap(previous -> previous.isOk() ? write(cell, flag, step)
                        : Uni.createFrom().item(previous));
            }
            return chain.flatMap(written -> written.isOk() ? readBack(cell, flag)
                    : Uni.createFrom().item(written.map(x -> Optional.<Gates>empty())));
        }));
    }

    private Uni<CellResult<Void>> write(Cell cell, String flag, FlagChange change) {
        if (change instanceof FlagChange.Gate g) {
            GateChange gate = g.change();
            return gateway.setGate(cell, flag, gate).map(r -> r.map(x -> null));
        }
        return gateway.deleteFlag(cell, flag);
    }

    /**
     * Reads the one flag. A cell the cache knows (read in full before, last read fine) has only that flag built from
     * the answer, and only that flag updated in the cache: with a list of every flag for an answer, building all of
     * them for 1,000 cells cost more than the rollout's cell calls. Any other cell is read in full, so the cache
     * learns it whole.
     */
    private Uni<CellResult<Optional<Gates>>> readBack(Cell cell, String flag) {
        boolean known = cache.get(cell.id()).map(s -> s.everRead() && !s.stale()).orElse(false);
        if (!known) {
            return gateway.listFlags(cell).map(result -> {
                recordFailure(cell, result);
                if (result instanceof CellResult.Ok<List<ObservedFlag>> ok) {
                    cache.recordRead(cell.id(), ok.value(), clock.instant());
                }
                return result.map(flags -> flags.stream().filter(f -> f.name().equals(flag))
                        .map(ObservedFlag::gates).findFirst());
            });
        }
        return gateway.readFlag(cell, flag).map(result -> {
            recordFailure(cell, result);
            if (result instanceof CellResult.Ok<Optional<Gates>> ok) {
                cache.recordFlag(cell.id(), flag, ok.value(), clock.instant());
            }
            return result;
        });
    }

    private void recordFailure(Cell cell, CellResult<?> result) {
        if (result instanceof CellResult.Failed<?> failed) {
            cache.recordFailure(cell.id(), failed.error(), clock.instant());
        }
    }

    private Map<String, CellResult<Optional<Gates>>> run(List<String> cellIds,
                                                          Function<Cell, Uni<CellResult<Optional<Gates>>>> call) {
        return fanOut(cellIds, call).await().atMost(GUARD);
    }

    private Uni<Map<String, CellResult<Optional<Gates>>>> fanOut(
            List<String> cellIds, Function<Cell, Uni<CellResult<Optional<Gates>>>> call) {
        Map<String, CellResult<Optional<Gates>>> out = new LinkedHashMap<>();
        List<Cell> cells = new ArrayList<>();
        for (String id : cellIds) {
            Optional<Cell> cell = topology.current().cell(id);
            if (cell.isPresent()) {
                cells.add(cell.get());
            } else {
                out.put(id, CellResult.failed(CellError.Kind.INVALID, "cell '" + id + "' is no longer in rings/"));
            }
        }
        return gateway.forEach(cells, call).map(answers -> {
            out.putAll(answers);
            return out;
        });
    }
}
