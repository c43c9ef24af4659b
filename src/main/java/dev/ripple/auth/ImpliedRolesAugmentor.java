package dev.ripple.auth;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashSet;
import java.util.Set;

/**
 * Adds the roles a role implies to every identity, whichever mechanism made it (API tokens, or OIDC where a company
 * uses its identity provider): an identity with {@code sre} also gets {@code engineer} and {@code viewer}.
 */
@ApplicationScoped
class ImpliedRolesAugmentor implements SecurityIdentityAugmentor {
    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous()) {
            return Uni.createFrom().item(identity);
        }
        Set<String> missing = new HashSet<>();
        for (String name : identity.getRoles()) {
            Role.parse(name).ifPresent(role -> role.implied().forEach(r -> missing.add(r.id())));
        }
        missing.removeAll(identity.getRoles());
        if (missing.isEmpty()) {
            return Uni.createFrom().item(identity);
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder(identity).addRoles(missing).build());
    }
}
