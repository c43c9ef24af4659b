package dev.ripple.incidents;

/** A request about incidents that Ripple refuses; {@link Reason} says which kind, for the API to map. */
public class IncidentRefusedException extends RuntimeException {
    private final Reason reason;
    private final String field;

    private IncidentRefusedException(Reason reason, String field, String message) {
        super(message);
        this.reason = reason;
        this.field = field;
    }

    static IncidentRefusedException invalid(String field, String message) {
        return new IncidentRefusedException(Reason.INVALID, field, message);
    }

    static IncidentRefusedException unknown(String id) {
        return new IncidentRefusedException(Reason.UNKNOWN, null, "no incident '" + id + "'");
    }

    static IncidentRefusedException closed(Incident incident) {
        return new IncidentRefusedException(Reason.CLOSED, null, "incident " + incident.id() + " was already closed by "
                + incident.closedBy() + " at " + incident.closedAt());
    }

    static IncidentRefusedException notClosable(Incident incident) {
        return new IncidentRefusedException(Reason.NOT_CLOSABLE, null, "incident " + incident.id() + " comes from "
                + incident.source() + " and closes there (resolve or silence the alert, or restore the source)");
    }

    static IncidentRefusedException keyReused(String key, Incident first) {
        return new IncidentRefusedException(Reason.KEY_REUSED, null, "idempotency key '" + key + "' already opened "
                + "incident " + first.id() + " with a different request");
    }

    public Reason reason() {
        return reason;
    }

    /** The request field at fault, for {@link Reason#INVALID}; otherwise null. */
    public String field() {
        return field;
    }

    public enum Reason {
        /** A field of the request has a value Ripple does not accept. */
        INVALID,
        /** No incident has this id. */
        UNKNOWN,
        /** The incident is closed already. */
        CLOSED,
        /** The incident belongs to another source and closes there. */
        NOT_CLOSABLE,
        /** The idempotency key opened an incident with a different request. */
        KEY_REUSED
    }
}
