package dev.ripple.topology;

import dev.ripple.platform.HttpUrls;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/** The URLs the rings/ files accept: absolute http(s) links, and cells' admin API base URLs. */
final class Urls {
    private Urls() {
    }

    /** An absolute http(s) URL with a host and neither query, fragment nor user info; else empty. */
    static Optional<URI> http(String text) {
        return HttpUrls.base(text);
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
