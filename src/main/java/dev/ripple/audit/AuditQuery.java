package dev.ripple.audit;

import java.time.Instant;
import java.util.Optional;

/**
 * Which audit entries to read: every filter given must match. {@code cell} and {@code ring} match gate changes only;
 * {@code principal} matches who asked (a request) or who requested the rollout (a gate change).
 *
 * @param before only entries with a smaller id: the cursor for the next page, newest first
 */
public record AuditQuery(Optional<String> flag, Optional<String> cell, Optional<Integer> ring,
                         Optional<String> principal, Optional<Instant> since, Optional<String> kind, Long before,
                         int limit) {
    public AuditQuery {
        kind.ifPresent(k -> {
            if (!k.equals(AuditEntry.REQUEST) && !k.equals(AuditEntry.GATE_CHANGE)) {
                throw new IllegalArgumentException("kind is request or gate-change, not " + k);
            }
        });
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
    }
}
