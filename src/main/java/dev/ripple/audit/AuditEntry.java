package dev.ripple.audit;

import dev.ripple.flags.Gates;

import java.time.Instant;

/**
 * One line of the audit trail as it is read back. Which fields apply depends on {@code kind}:
 * <ul>
 *   <li>{@code request}: {@code principal}, {@code role}, {@code channel}, {@code via} (the bot, for chat),
 *   {@code action} ({@code POST /api/v1/rollouts}, {@code feature set}), {@code request} (redacted), {@code status},
 *   {@code outcome}; {@code flag} and {@code rolloutId} when the request names them.</li>
 *   <li>{@code gate-change}: {@code flag}, {@code ring}, {@code cell}, {@code rolloutId}, {@code action}
 *   ({@code change} or {@code restore}), {@code before} and {@code after} as a person reads them ({@code unknown}
 *   when Ripple cannot tell), the same as gates ({@code null} when absent or unknown), {@code outcome}
 *   ({@code applied}, {@code restored}, or {@code failed: …}), {@code reason}, and in {@code principal} who
 *   requested the rollout.</li>
 * </ul>
 */
public record AuditEntry(long id, String kind, Instant at, String principal, String role, String channel, String via,
                         String action, String request, Integer status, String outcome, String flag, Integer ring,
                         String cell, Long rolloutId, String before, String after, Gates beforeGates,
                         Gates afterGates, String reason) {
    public static final String REQUEST = AuditEntryRecord.REQUEST;
    public static final String GATE_CHANGE = AuditEntryRecord.GATE_CHANGE;
}
