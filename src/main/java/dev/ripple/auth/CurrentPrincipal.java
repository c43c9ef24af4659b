package dev.ripple.auth;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;

import java.util.EnumSet;
import java.util.Set;

/** The principal of the API request being served, from Quarkus' security identity. */
@RequestScoped
public class CurrentPrincipal {
    private final SecurityIdentity identity;

    CurrentPrincipal(SecurityIdentity identity) {
        this.identity = identity;
    }

    public Principal get() {
        return of(identity);
    }

    public static Principal of(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            Set<Role> roles = identity == null ? Set.of() : roles(identity.getRoles());
            return new Principal(Principal.ANONYMOUS.name(), roles, Channel.API, null);
        }
        return Principal.api(identity.getPrincipal().getName(), roles(identity.getRoles()));
    }

    private static Set<Role> roles(Set<String> names) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        names.forEach(name -> Role.parse(name).ifPresent(roles::add));
        return roles;
    }
}
