package dev.ripple.cells;

import dev.ripple.flags.GateChange;
import dev.ripple.flags.ObservedFlag;
import dev.ripple.topology.Cell;
import io.smallrye.mutiny.Uni;

import java.util.List;

/**
 * A cell's feature-flag admin API. One implementation per {@code adapter} type in {@code rings/}. Calls never block
 * the caller and never fail the {@link Uni}: every failure comes back as a {@link CellResult.Failed}.
 */
public interface CellAdapter {

    /** The {@code adapter} value in {@code rings/} this implementation serves. */
    String type();

    /** Every flag the cell has persisted, with its gates. */
    Uni<CellResult<List<ObservedFlag>>> listFlags(Cell cell);

    /** Applies one gate change; the result is the flag as the cell holds it afterwards. Safe to repeat. */
    Uni<CellResult<ObservedFlag>> setGate(Cell cell, String flag, GateChange change);

    /** Removes the flag and all its gates. Succeeds whether or not the flag existed. */
    Uni<CellResult<Void>> deleteFlag(Cell cell, String flag);
}
