package dev.ripple.api;

/**
 * Every error the API can answer, each with a stable {@code code} that bots can switch on. The list is part of the
 * API contract (docs/api.md): codes are never renamed or reused.
 */
public enum ErrorCode {
    UNKNOWN_FLAG(404, "Unknown flag"),
    UNKNOWN_CELL(404, "Unknown cell"),
    UNKNOWN_RING(404, "Unknown ring"),
    UNKNOWN_INCIDENT(404, "Unknown incident"),
    NOT_FOUND(404, "No such resource"),
    BAD_PARAMETER(400, "Bad parameter"),
    MALFORMED_BODY(400, "Malformed request body"),
    INVALID_FIELD(400, "Invalid field"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    NOT_ACCEPTABLE(406, "Not acceptable"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    INCIDENT_CLOSED(409, "Incident already closed"),
    INCIDENT_NOT_CLOSABLE(409, "Incident closes at its source"),
    RINGS_INVALID(422, "rings/ has problems"),
    UNKNOWN_ROLLOUT(404, "Unknown rollout"),
    UNKNOWN_FLAG_DEFINITION(400, "No such flag in rings/flags/"),
    RING_OUT_OF_RANGE(400, "Ring out of range"),
    INVALID_CHANGE(400, "Invalid gate change"),
    CONTRADICTORY_OPTIONS(400, "Contradictory options"),
    CELL_NOT_IN_QUARANTINE(400, "Cell targeting outside quarantine"),
    ACTOR_CHANGE_NOT_OUTERMOST(400, "Actor change must reach every ring"),
    ROLLOUT_ACTIVE(409, "The flag has an active rollout"),
    OPERATION_NOT_ALLOWED(409, "Operation not allowed in this state"),
    IDEMPOTENCY_KEY_REUSED(422, "Idempotency key reused with a different request"),
    UNAUTHENTICATED(401, "Authentication required"),
    FORBIDDEN(403, "Forbidden"),
    RATE_LIMITED(429, "Too many changes"),
    UNKNOWN_TOKEN(404, "Unknown token"),
    TOKEN_NOT_REVOCABLE(409, "Token cannot be revoked through the API"),
    IDEMPOTENCY_KEY_IN_USE(409, "A request with this idempotency key is still running"),
    INVALID_COMMAND(400, "Invalid chat command"),
    INVALID_SIGNATURE(401, "Invalid Slack signature"),
    CHATOPS_NOT_CONFIGURED(503, "ChatOps not configured"),
    NOT_READY(503, "Not ready"),
    DATABASE_BUSY(503, "Database busy"),
    TOO_MANY_STARTS(503, "Too many rollouts starting"),
    INTERNAL_ERROR(500, "Internal error");

    private final int status;
    private final String title;

    ErrorCode(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The code whose wire form is {@code code}, if any. */
    public static java.util.Optional<ErrorCode> fromCode(String code) {
        return java.util.Arrays.stream(values()).filter(c -> c.code().equals(code)).findFirst();
    }

    /** The stable wire form: {@code unknown-flag}. */
    public String code() {
        return name().toLowerCase().replace('_', '-');
    }
}
