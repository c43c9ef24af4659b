package dev.ripple.platform;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * The http(s) URLs Ripple accepts. None may carry a user and password: a URL is shown in logs, failure reasons and
 * API answers, so credentials travel in headers only.
 */
public final class HttpUrls {
    private HttpUrls() {
    }

    /** A service's base URL (a cell's admin API, Prometheus, Alertmanager): no query and no fragment either. */
    public static Optional<URI> base(String text) {
        return parse(text).filter(uri -> uri.getRawQuery() == null && uri.getRawFragment() == null);
    }

    /** A link for a human (an incident's ticket or dashboard): query and fragment allowed. */
    public static Optional<URI> link(String text) {
        return parse(text);
    }

    private static Optional<URI> parse(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        boolean ok = ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                && uri.getHost() != null && !uri.getHost().isEmpty() && uri.getRawUserInfo() == null;
        return ok ? Optional.of(uri) : Optional.empty();
    }
}
