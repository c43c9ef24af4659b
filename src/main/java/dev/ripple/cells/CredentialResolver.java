package dev.ripple.cells;

import dev.ripple.topology.CredentialRef;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the secret a {@link CredentialRef} points at, at the moment it is needed, so rotated secrets (a re-mounted
 * Kubernetes secret file, a changed environment) are picked up without a restart. {@code env:NAME} reads the
 * environment variable NAME, or a configuration property of exactly that name (how tests and the sandbox supply it).
 * The secret is never logged and never put into an error message.
 */
@ApplicationScoped
public class CredentialResolver {
    private final Config config;

    CredentialResolver(Config config) {
        this.config = config;
    }

    /** The secret, or an operator-readable reason why it could not be read (naming the reference, not the value). */
    public Resolved resolve(CredentialRef ref) {
        return switch (ref.source()) {
            case ENV -> Optional.ofNullable(System.getenv(ref.location()))
                    .or(() -> config.getOptionalValue(ref.location(), String.class))
                    .filter(s -> !s.isBlank())
                    .map(Resolved::secret)
                    .orElseGet(() -> Resolved.missing("credential " + ref + " is not set"));
            case FILE -> readFile(Path.of(ref.location()), ref);
        };
    }

    private static Resolved readFile(Path path, CredentialRef ref) {
        try {
            String secret = Files.readString(path, StandardCharsets.UTF_8).strip();
            return secret.isEmpty() ? Resolved.missing("credential " + ref + " is empty") : Resolved.secret(secret);
        } catch (IOException e) {
            return Resolved.missing("credential " + ref + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Either a secret or the reason there is none. {@link #toString()} never shows the secret. */
    public record Resolved(String value, String problem) {
        static Resolved secret(String value) {
            return new Resolved(value, null);
        }

        static Resolved missing(String problem) {
            return new Resolved(null, problem);
        }

        public boolean isPresent() {
            return value != null;
        }

        @Override
        public String toString() {
            return isPresent() ? "Resolved[***]" : "Resolved[" + problem + "]";
        }
    }
}
