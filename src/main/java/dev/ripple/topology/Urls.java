package dev.ripple.topology;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/** The URLs the rings/ files accept: absolute http(s) links, and cells' admin API base URLs. */
final class Urls {
    private Urls() {
    }

    /** An absolute http(s) URL with a host and neither query, fragment nor user info; else empty. */
    static Optional<URI> http(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        boolean ok = ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                && uri.getHost() != null && !uri.getHost().isEmpty()
                && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
        return ok ? Optional.of(uri) : Optional.empty();
    }

    /** {@code sandbox://HOST} and nothing more; empty for anything else. */
    static Optional<URI> sandbox(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        boolean ok = "sandbox".equals(uri.getScheme()) && uri.getHost() != null && uri.getPort() == -1
                && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
        return ok ? Optional.of(uri) : Optional.empty();
    }

    static boolean looksLikeSandbox(String text) {
        return text.startsWith("sandbox:");
    }
}
