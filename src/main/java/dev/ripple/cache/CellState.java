package dev.ripple.cache;

import dev.ripple.flags.Gates;

import java.time.Instant;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What Ripple last knew of one cell's flags.
 *
 * @param flags         every flag the cell had persisted at {@code readAt}, by name
 * @param readAt        when those flags were read; null if the cell was never read
 * @param lastAttemptAt when Ripple last tried to read the cell
 * @param stale         the last attempt failed: {@code flags} are the last known state, not the current one
 * @param error         why the last attempt failed, when stale
 * @param staleSince    when the cell first failed in the current run of failures
 * @param contentHash   digest of {@code flags}, to notice real changes cheaply
 */
public record CellState(String cellId, SortedMap<String, Gates> flags, Instant readAt, Instant lastAttemptAt,
                        boolean stale, String error, Instant staleSince, String contentHash) {

    public CellState {
        flags = Collections.unmodifiableSortedMap(new TreeMap<>(flags));
    }

    public static CellState neverRead(String cellId) {
        return new CellState(cellId, new TreeMap<>(), null, null, true, "not read yet", null, "");
    }

    public boolean everRead() {
        return readAt != null;
    }
}
