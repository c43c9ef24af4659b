package dev.ripple.incidents;

import java.time.Instant;

/**
 * An incident that blocks gradual rollouts on one ring.
 *
 * @param source {@code api} (opened through Ripple), {@code alertmanager} (an active alert), or {@code ripple} (a
 *               source Ripple could not read, which blocks rather than lets rollouts proceed blind)
 */
public record ActiveIncident(String id, int ring, String severity, String title, String link, String source,
                             Instant since) {

    /** One line for a timeline or a chat reply: {@code incident 12 (sev2, api): Login errors}. */
    public String describe() {
        return "incident " + id + " (" + (severity == null ? "" : severity + ", ") + source + ")"
                + (title == null || title.isBlank() ? "" : ": " + title);
    }
}
