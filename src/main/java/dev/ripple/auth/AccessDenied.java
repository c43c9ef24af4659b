package dev.ripple.auth;

/** The principal lacks the role an action needs. The API answers 403 {@code forbidden}; chat replies say why. */
public class AccessDenied extends RuntimeException {
    private final Role needed;

    public AccessDenied(Principal principal, Role needed, String action) {
        super(principal.name() + " may not " + action + ": that needs the " + needed.id() + " role");
        this.needed = needed;
    }

    public Role needed() {
        return needed;
    }
}
