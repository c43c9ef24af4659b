package dev.ripple.topology;

import java.net.URI;
import java.util.Map;

/**
 * One cell: an independent copy of the application with its own feature-flag admin API.
 *
 * @param adapter    which admin API it speaks ({@code gitlab})
 * @param url        base URL of the admin API, or {@code sandbox://ID} for a cell of the built-in sandbox fleet
 * @param credential where its admin token is read from; never the token itself
 */
public record Cell(String id, int ring, String adapter, URI url, CredentialRef credential, Map<String, String> labels) {
    public Cell {
        labels = Map.copyOf(labels);
    }

    public boolean isSandbox() {
        return "sandbox".equals(url.getScheme());
    }

    /** The sandbox cell a {@code sandbox://ID} URL names ({@code sandbox:ID} also reads as ID). */
    public String sandboxId() {
        String host = url.getHost();
        if (host != null && !host.isEmpty()) {
            return host;
        }
        String rest = url.getSchemeSpecificPart();
        return rest.startsWith("//") ? rest.substring(2) : rest;
    }
}
