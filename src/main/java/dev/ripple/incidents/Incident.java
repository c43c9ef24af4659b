package dev.ripple.incidents;

import java.time.Instant;

/**
 * An incident as the API shows it: an {@link ActiveIncident} plus, for those opened through the API, who opened it
 * and who closed it when. Incidents from Alertmanager, and Ripple's own, have no opener and close at their source.
 */
public record Incident(String id, int ring, String severity, String title, String link, String source,
                       Instant since, String openedBy, String closedBy, Instant closedAt) {

    public static final String SOURCE_API = "api";
    public static final String SOURCE_ALERTMANAGER = "alertmanager";
    public static final String SOURCE_RIPPLE = "ripple";

    public static Incident of(ActiveIncident active) {
        return new Incident(active.id(), active.ring(), active.severity(), active.title(), active.link(),
                active.source(), active.since(), null, null, null);
    }

    public boolean active() {
        return closedAt == null;
    }

    public ActiveIncident toActive() {
        return new ActiveIncident(id, ring, severity, title, link, source, since);
    }
}
