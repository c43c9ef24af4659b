package dev.ripple.cells;

import dev.ripple.flags.GateChange;
import dev.ripple.flags.Gates;
import dev.ripple.flags.ObservedFlag;
import dev.ripple.topology.Cell;
import io.smallrye.mutiny.Uni;

import java.util.List;
import java.util.Optional;

/**
 * A cell's feature-flag admin API. One implementation per {@code adapter} type in {@code rings/}. Calls never block
 * the caller and never fail the {@link Uni}: every failure comes back as a {@link CellResult.Failed}.
 */
public interface CellAdapter {

    /** The {@code adapter} value in {@code rings/} this implementation serves. */
    String type();

    /** Every flag the cell has persisted, with its gates. */
    Uni<CellResult<List<ObservedFlag>>> listFlags(Cell cell);

    /**
     * One flag as the cell holds it, empty when the cell has not persisted it. For an API with no single-flag read
     * this lists every flag and looks for the one; an adapter that can read the list without building every flag
     * says so here.
     */
    default Uni<CellResult<Optional<Gates>>> readFlag(Cell cell, String flag) {
        return listFlags(cell).map(result -> result.map(flags -> flags.stream().filter(f -> f.name().equals(flag))
                .map(ObservedFlag::gates).findFirst()));
    }

    /** Applies one gate change; the result is the flag as the cell holds it afterwards. Safe to repeat. */
    Uni<CellResult<ObservedFlag>> setGate(Cell cell, String flag, GateChange change);

    /** Removes the flag and all its gates. Succeeds whether or not the flag existed. */
    Uni<CellResult<Void>> deleteFlag(Cell cell, String flag);
}
