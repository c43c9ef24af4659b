package dev.ripple.auth;

import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/**
 * Reads {@code Authorization: Bearer TOKEN}. Without a header the caller is anonymous, or an anonymous reader when
 * {@code ripple.auth.anonymous-read} is on. A JWT (three dot-separated parts) is left to an OIDC mechanism, if one is
 * installed (docs/security.md).
 */
@ApplicationScoped
class BearerTokenMechanism implements HttpAuthenticationMechanism {
    private static final String BEARER = "bearer ";

    private final boolean anonymousRead;

    BearerTokenMechanism(AuthConfig config) {
        this.anonymousRead = config.anonymousRead();
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            return Uni.createFrom().item(anonymousRead ? anonymousReader() : null);
        }
        if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Uni.createFrom().failure(new io.quarkus.security.AuthenticationFailedException(
                    "the Authorization header must be 'Bearer TOKEN'"));
        }
        String token = header.substring(BEARER.length()).strip();
        if (token.chars().filter(c -> c == '.').count() == 2) {
            return Uni.createFrom().nullItem(); // a JWT: an OIDC mechanism's to check
        }
        return identities.authenticate(new TokenAuthenticationRequest(new TokenCredential(token, "bearer")));
    }

    private static SecurityIdentity anonymousReader() {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(Principal.ANONYMOUS.name()))
                .addRole(Role.Names.VIEWER)
                .addAttribute(AnonymousReaders.ATTRIBUTE, Boolean.TRUE)
                .build();
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer realm=\"ripple\""));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenAuthenticationRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION,
                "bearer"));
    }
}
