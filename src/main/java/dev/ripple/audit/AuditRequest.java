package dev.ripple.audit;

import dev.ripple.auth.Principal;

/**
 * One mutating request, as the audit log keeps it: who (principal, role, channel), what ({@code action} such as
 * {@code POST /api/v1/rollouts} or {@code feature set}, and {@code request}: the body or command text, never a
 * secret), and how it ended ({@code status}: the HTTP status, or 200/4xx for a chat command; {@code outcome}: one line).
 */
public record AuditRequest(Principal principal, String action, String request, int status, String outcome) {
}
