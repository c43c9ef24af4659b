package dev.ripple.auth;

/** A token request the service refuses: a bad field, an unknown token, or a bootstrap token that cannot be revoked. */
public class TokenRefused extends RuntimeException {
    public enum Reason { INVALID, UNKNOWN, NOT_REVOCABLE }

    private final Reason reason;
    private final String field;

    private TokenRefused(Reason reason, String field, String message) {
        super(message);
        this.reason = reason;
        this.field = field;
    }

    static TokenRefused invalid(String field, String message) {
        return new TokenRefused(Reason.INVALID, field, message);
    }

    static TokenRefused unknown(String id) {
        return new TokenRefused(Reason.UNKNOWN, null, "no token '" + id + "'");
    }

    static TokenRefused notRevocable(String id) {
        return new TokenRefused(Reason.NOT_REVOCABLE, null, "token '" + id + "' comes from RIPPLE_BOOTSTRAP_TOKENS; "
                + "remove it there and restart to revoke it");
    }

    public Reason reason() {
        return reason;
    }

    public String field() {
        return field;
    }
}
