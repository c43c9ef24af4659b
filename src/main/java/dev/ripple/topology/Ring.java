package dev.ripple.topology;

import java.util.List;

/**
 * A group of cells sharing one level of risk. Rings are numbered from the inside out; {@code -1} is the quarantine
 * ring.
 */
public record Ring(int id, String name, RingPolicy policy, List<Cell> cells) {
    public static final int QUARANTINE_ID = -1;

    public Ring {
        cells = List.copyOf(cells);
    }

    public boolean isQuarantine() {
        return policy.quarantine();
    }
}
