package dev.ripple.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** API tokens, anonymous reads and rate limits (docs/security.md). */
@ConfigMapping(prefix = "ripple.auth")
public interface AuthConfig {
    /** Let callers without a token read (the viewer role). Off: every call needs a token. */
    @WithDefault("false")
    boolean anonymousRead();

    /**
     * Tokens accepted from startup, for bootstrap: comma-separated {@code principal:role+role:token} entries. Set it
     * through the environment ({@code RIPPLE_BOOTSTRAP_TOKENS}), never in a committed file.
     */
    Optional<String> bootstrapTokens();

    /** The same entries read from a file, one per line ({@code #} starts a comment); for mounted secrets. */
    Optional<Path> bootstrapTokensFile();

    /** How long an instance trusts its copy of a stored token; a revocation on another instance takes this long. */
    @WithDefault("10s")
    Duration cacheTtl();

    RateLimit rateLimit();

    interface RateLimit {
        /** Mutating calls per principal and minute, on each instance; 0 turns the limit off. */
        @WithDefault("60")
        int perMinute();

        /** Calls a principal may make at once before the per-minute rate applies. */
        @WithDefault("20")
        int burst();
    }
}
