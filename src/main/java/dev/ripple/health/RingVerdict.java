package dev.ripple.health;

import java.util.List;
import java.util.stream.Collectors;

/** Every check of one ring at one moment, and the worst of their outcomes. A ring with no checks is healthy. */
public record RingVerdict(int ring, List<CheckVerdict> checks, Outcome outcome) {
    public RingVerdict {
        checks = List.copyOf(checks);
    }

    /** The checks that decided the outcome, one line each; "no checks" or "all checks healthy" otherwise. */
    public String summary() {
        if (checks.isEmpty()) {
            return "ring " + ring + ": no checks";
        }
        if (outcome == Outcome.HEALTHY) {
            return checks.stream().map(CheckVerdict::summary).collect(Collectors.joining("; "));
        }
        return checks.stream().filter(c -> c.outcome() == outcome).map(CheckVerdict::summary)
                .collect(Collectors.joining("; "));
    }
}
