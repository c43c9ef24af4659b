package dev.ripple.topology;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a secret lives: {@code env:NAME} (an environment variable) or {@code file:/path} (a file, e.g. a mounted
 * Kubernetes secret). The reference is safe to log and to show; the secret it points at is not.
 */
public record CredentialRef(Source source, String location) {
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public enum Source { ENV, FILE }

    /** The reference, or empty when the text is neither {@code env:NAME} nor {@code file:/absolute/path}. */
    public static Optional<CredentialRef> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        if (text.startsWith("env:") && ENV_NAME.matcher(text.substring(4)).matches()) {
            return Optional.of(new CredentialRef(Source.ENV, text.substring(4)));
        }
        if (text.startsWith("file:/") && text.length() > 6) {
            return Optional.of(new CredentialRef(Source.FILE, text.substring(5)));
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return (source == Source.ENV ? "env:" : "file:") + location;
    }
}
