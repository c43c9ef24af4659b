package dev.ripple.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Turns an API token into an identity carrying its principal and every role its roles imply. */
@ApplicationScoped
class ApiTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {
    private final TokenService tokens;

    ApiTokenIdentityProvider(TokenService tokens) {
        this.tokens = tokens;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        return context.runBlocking(() -> {
            Principal principal = tokens.authenticate(request.getToken().getToken()).orElseThrow(() ->
                    new AuthenticationFailedException("the token is unknown, expired or revoked"));
            QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal(principal.name()));
            principal.roles().forEach(role -> identity.addRole(role.id()));
            return identity.build();
        });
    }
}
