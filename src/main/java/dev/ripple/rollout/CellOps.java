package dev.ripple.rollout;

import dev.ripple.cells.CellResult;
import dev.ripple.flags.Gates;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the engine does to cells, all cells of a call concurrently. Each answer is the flag as the cell holds it
 * afterwards (empty: the cell does not have the flag), read back with a separate call, or the error. Blocking: the
 * engine runs on a worker thread; the fan-out underneath is not.
 */
public interface CellOps {

    Map<String, CellResult<Optional<Gates>>> read(List<String> cellIds, String flag);

    /** Writes the change, then reads the flag back. */
    Map<String, CellResult<Optional<Gates>>> apply(List<String> cellIds, String flag, FlagChange change);

    /**
     * {@link #apply} to {@code applyIds} and {@link #read} of {@code readIds} at the same time: an immediate rollout
     * reads the next ring's snapshot while it writes this ring. This default does one after the other.
     */
    default Both applyWhileReading(List<String> applyIds, List<String> readIds, String flag, FlagChange change) {
        return new Both(apply(applyIds, flag, change), readIds.isEmpty() ? Map.of() : read(readIds, flag));
    }

    /** The answers of {@link #applyWhileReading}: of the cells written, and of the cells read. */
    record Both(Map<String, CellResult<Optional<Gates>>> applied, Map<String, CellResult<Optional<Gates>>> read) {
    }

    /** Reads each cell, writes what takes it back to its snapshot (nothing if it is there), and reads it back. */
    Map<String, CellResult<Optional<Gates>>> restore(Map<String, Optional<Gates>> snapshots, String flag);
}
