package dev.ripple.auth;

import dev.ripple.platform.Sha256;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Issues, lists, revokes and checks API tokens. A token is 32 random bytes; only its SHA-256 is stored, and it is
 * shown once, in the answer that creates it. Bootstrap tokens from the environment live in memory only.
 */
@ApplicationScoped
@Startup
public class TokenService {
    static final Pattern PRINCIPAL = Pattern.compile("[A-Za-z0-9._@:-]{1,100}");
    private static final String PREFIX = "rpl_";
    private static final int DESCRIPTION_MAX = 200;
    private static final int CACHE_MAX = 10_000;

    /** A token as listed: never the token, never its hash. */
    public record TokenInfo(String id, String principal, Set<Role> roles, String description, String source,
                            Instant createdAt, String createdBy, Instant expiresAt, Instant revokedAt,
                            String revokedBy) {
    }

    /** The answer to a creation: the only time the token itself is shown. */
    public record IssuedToken(TokenInfo info, String token) {
    }

    private record Cached(Optional<Principal> principal, Instant expiresAt, long checkedAtNanos) {
    }

    private final Clock clock;
    private final long cacheTtlNanos;
    private final Map<String, TokenInfo> bootstrapByHash = new LinkedHashMap<>();
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    TokenService(AuthConfig config, Clock clock) {
        this.clock = clock;
        this.cacheTtlNanos = config.cacheTtl().toNanos();
        List<BootstrapTokens.Entry> entries = new ArrayList<>();
        config.bootstrapTokens().filter(s -> !s.isBlank())
                .ifPresent(text -> entries.addAll(BootstrapTokens.parse(text, "ripple.auth.bootstrap-tokens")));
        config.bootstrapTokensFile().ifPresent(path -> {
            try {
                entries.addAll(BootstrapTokens.parse(Files.readString(path), path.toString()));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read ripple.auth.bootstrap-tokens-file " + path + ": "
                        + e.getMessage(), e);
            }
        });
        Instant now = clock.instant();
        for (BootstrapTokens.Entry e : entries) {
            bootstrapByHash.put(hash(e.token()), new TokenInfo(e.id(), e.principal(), e.roles(), null, "bootstrap",
                    now, "environment", null, null, null));
        }
        if (!entries.isEmpty()) {
            Log.infof("Accepting %d bootstrap API token(s) for %s", entries.size(),
                    entries.stream().map(BootstrapTokens.Entry::principal).distinct().toList());
        }
    }

    /** The principal a bearer token stands for, if it is known, unexpired and unrevoked. */
    public Optional<Principal> authenticate(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        String hash = hash(token);
        TokenInfo bootstrap = bootstrapByHash.get(hash);
        if (bootstrap != null) {
            return Optional.of(Principal.api(bootstrap.principal(), bootstrap.roles()));
        }
        long now = System.nanoTime();
        Cached cached = cache.get(hash);
        if (cached == null || now - cached.checkedAtNanos() > cacheTtlNanos) {
            cached = lookup(hash, now);
            if (cache.size() >= CACHE_MAX) {
                cache.clear(); // a flood of made-up tokens must not grow the cache without bound
            }
            cache.put(hash, cached);
        }
        if (cached.expiresAt() != null && !clock.instant().isBefore(cached.expiresAt())) {
            return Optional.empty();
        }
        return cached.principal();
    }

    private Cached lookup(String hash, long now) {
        return QuarkusTransaction.joiningExisting().call(() -> {
            ApiTokenRecord r = ApiTokenRecord.find("tokenHash", hash).firstResult();
            if (r == null || r.revokedAt != null) {
                return new Cached(Optional.empty(), null, now);
            }
            return new Cached(Optional.of(Principal.api(r.principal, parseRoles(r.roles))), r.expiresAt, now);
        });
    }

    public IssuedToken issue(String principal, List<String> roleNames, String description, Instant expiresAt,
                             String by) {
        if (principal == null || !PRINCIPAL.matcher(principal.strip()).matches()) {
            throw TokenRefused.invalid("principal", "principal must be 1-100 letters, digits or ._@:-");
        }
        if (roleNames == null || roleNames.isEmpty()) {
            throw TokenRefused.invalid("roles", "roles must name at least one of viewer, engineer, sre, admin, bot");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String name : roleNames) {
            roles.add(Role.parse(name).orElseThrow(() -> TokenRefused.invalid("roles", "unknown role '" + name
                    + "'; roles are viewer, engineer, sre, admin, bot")));
        }
        if (description != null && description.length() > DESCRIPTION_MAX) {
            throw TokenRefused.invalid("description", "description is longer than " + DESCRIPTION_MAX
                    + " characters");
        }
        Instant now = clock.instant();
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw TokenRefused.invalid("expiresAt", "expiresAt must be in the future");
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        byte[] idBytes = new byte[6];
        random.nextBytes(idBytes);
        ApiTokenRecord r = new ApiTokenRecord();
        r.id = "tok-" + HexFormat.of().formatHex(idBytes);
        r.principal = principal.strip();
        r.roles = roles.stream().map(Role::id).collect(Collectors.joining(","));
        r.tokenHash = hash(token);
        r.description = description == null || description.isBlank() ? null : description.strip();
        r.createdAt = now;
        r.createdBy = by;
        r.expiresAt = expiresAt;
        QuarkusTransaction.requiringNew().run(r::persist);
        Log.infof("API token %s issued for %s %s by %s", r.id, r.principal, r.roles, by);
        return new IssuedToken(info(r), token);
    }

    public TokenInfo revoke(String id, String by) {
        if (bootstrapByHash.values().stream().anyMatch(t -> t.id().equals(id))) {
            throw TokenRefused.notRevocable(id);
        }
        TokenInfo revoked = QuarkusTransaction.requiringNew().call(() -> {
            ApiTokenRecord r = ApiTokenRecord.findById(id);
            if (r == null) {
                throw TokenRefused.unknown(id);
            }
            if (r.revokedAt == null) {
                r.revokedAt = clock.instant();
                r.revokedBy = by;
            }
            return info(r);
        });
        cache.clear();
        Log.infof("API token %s of %s revoked by %s", id, revoked.principal(), by);
        return revoked;
    }

    /** Every token, bootstrap ones first, then stored ones newest first. */
    public List<TokenInfo> list() {
        List<TokenInfo> all = new ArrayList<>(bootstrapByHash.values());
        QuarkusTransaction.joiningExisting().run(() -> ApiTokenRecord.<ApiTokenRecord>listAll().stream()
                .sorted(Comparator.comparing((ApiTokenRecord r) -> r.createdAt).reversed())
                .forEach(r -> all.add(info(r))));
        return all;
    }

    private static TokenInfo info(ApiTokenRecord r) {
        return new TokenInfo(r.id, r.principal, parseRoles(r.roles), r.description, "api", r.createdAt, r.createdBy,
                r.expiresAt, r.revokedAt, r.revokedBy);
    }

    private static Set<Role> parseRoles(String joined) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Arrays.stream(joined.split(",")).map(Role::parse).flatMap(Optional::stream).forEach(roles::add);
        return roles;
    }

    private static String hash(String token) {
        return Sha256.start().add(token.getBytes(StandardCharsets.UTF_8)).hex();
    }
}
