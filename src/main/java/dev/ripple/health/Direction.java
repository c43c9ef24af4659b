package dev.ripple.health;

import java.util.Arrays;
import java.util.Optional;

/** Which side of a threshold is unhealthy. */
public enum Direction {
    /** Higher is worse (error ratios, latency): rollback threshold must be above the halt threshold. */
    ABOVE("above"),
    /** Lower is worse (success ratios, throughput): rollback threshold must be below the halt threshold. */
    BELOW("below");

    private final String wireName;

    Direction(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether {@code worse} is strictly worse than {@code better} in this direction. */
    public boolean isWorse(double worse, double better) {
        return this == ABOVE ? worse > better : worse < better;
    }

    public static Optional<Direction> fromWireName(String name) {
        return Arrays.stream(values()).filter(d -> d.wireName.equals(name)).findFirst();
    }
}
