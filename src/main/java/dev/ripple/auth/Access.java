package dev.ripple.auth;

import dev.ripple.rollout.Mode;

/**
 * The rules that depend on what is asked rather than on the endpoint. Shared by the REST API and ChatOps, so a bot
 * can never do what its user could not.
 */
public final class Access {
    private Access() {
    }

    public static void require(Principal principal, Role role, String action) {
        if (!principal.has(role)) {
            throw new AccessDenied(principal, role, action);
        }
    }

    /** Gradual rollouts (and cell targeting in quarantine) need an engineer; immediate ones an SRE. */
    public static void requireToStart(Principal principal, Mode mode) {
        if (mode == Mode.IMMEDIATE) {
            require(principal, Role.SRE, "start an immediate rollout");
        } else {
            require(principal, Role.ENGINEER, "start a rollout");
        }
    }
}
