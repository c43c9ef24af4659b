package dev.ripple.incidents;

import dev.ripple.platform.Failures;
import dev.ripple.platform.HttpUrls;
import dev.ripple.platform.Sha256;
import dev.ripple.topology.Ring;
import dev.ripple.topology.TopologyService;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Incidents from every source: opened and closed through the API (stored in the shared database), and active alerts
 * from Alertmanager. What the rollout engine asks, {@link #activeOn(int)}, answers from memory: this instance's copy
 * of the open API incidents, renewed after each of its own changes and re-read when older than
 * {@code ripple.incidents.refresh-every}, so that a rollout polling every ring costs the database one small query
 * every few seconds however often it asks, and an incident opened through another instance blocks here within that
 * time. When the database cannot be read, every ring gets an incident saying so: no rollout proceeds blind.
 */
@ApplicationScoped
public class IncidentService implements IncidentView {
    static final String UNREADABLE_ID = "incidents-unreadable";
    static final String DEFAULT_SEVERITY = "sev2";
    static final int TITLE_MAX = 200;
    static final int LINK_MAX = 2000;
    static final int NAME_MAX = 100;
    private static final Pattern SEVERITY = Pattern.compile("sev[1-4]");

    private final IncidentStore store;
    private final AlertmanagerPoller alertmanager;
    private final TopologyService topology;
    private final Clock clock;
    private final long refreshNanos;
    private volatile Snapshot snapshot;

    /**
     * The open API incidents as read at {@code readAt} (nanoTime), or, when that read failed, why and since when.
     */
    private record Snapshot(List<ActiveIncident> open, long readAt, String failure, Instant failingSince) {
    }

    IncidentService(IncidentStore store, AlertmanagerPoller alertmanager, TopologyService topology,
                    IncidentsConfig config, Clock clock) {
        this.store = store;
        this.alertmanager = alertmanager;
        this.topology = topology;
        this.clock = clock;
        this.refreshNanos = config.refreshEvery().toNanos();
    }

    @Override
    public List<ActiveIncident> activeOn(int ring) {
        try {
            List<ActiveIncident> active = new ArrayList<>();
            Snapshot s = current();
            if (s.failure() != null) {
                active.add(unreadable(ring, s));
            }
            for (ActiveIncident incident : s.open()) {
                if (incident.ring() == ring) {
                    active.add(incident);
                }
            }
            active.addAll(alertmanager.activeOn(ring));
            return active;
        } catch (RuntimeException e) {
            // Never throws, and never lets a rollout through because of a bug here.
            Log.errorf(e, "Could not tell the active incidents of ring %d", ring);
            return List.of(new ActiveIncident(UNREADABLE_ID, ring, null, "Ripple could not tell the active "
                    + "incidents of this ring: " + Failures.describe(e), null, Incident.SOURCE_RIPPLE, clock.instant()));
        }
    }

    /**
     * Every active incident from every source, read from the database now; with {@code activeOnly} false, also the
     * newest {@code closedLimit} closed ones. Newest first. Ripple's own incidents (Alertmanager unreadable) appear
     * once per ring of the topology, as each ring sees them.
     */
    public List<Incident> list(boolean activeOnly, int closedLimit) {
        List<Incident> all = new ArrayList<>(store.open());
        if (!activeOnly) {
            all.addAll(store.newestClosed(closedLimit));
        }
        alertmanager.alerts().forEach(alert -> all.add(Incident.of(alert)));
        for (Ring ring : topology.current().rings()) {
            alertmanager.unreachableOn(ring.id()).ifPresent(incident -> all.add(Incident.of(incident)));
        }
        all.sort(Comparator.comparing(Incident::since, Comparator.nullsLast(Comparator.reverseOrder())));
        return all;
    }

    /** An incident from any source by id, open or closed. */
    public Optional<Incident> find(String id) {
        Optional<Long> stored = storedId(id);
        if (stored.isPresent()) {
            return store.find(stored.get());
        }
        return list(true, 0).stream().filter(i -> i.id().equals(id)).findFirst();
    }

    /**
     * Opens an incident on a ring of the current topology.
     *
     * @param severity sev1 (worst) to sev4; sev2 when null or blank
     * @param link     an http(s) URL (the ticket, the dashboard), or null
     * @throws IncidentRefusedException naming the field at fault
     */
    public Incident open(Integer ring, String severity, String title, String link, String openedBy) {
        return open(ring, severity, title, link, openedBy, null).incident();
    }

    /** An incident just opened, or the one an earlier request with the same idempotency key opened. */
    public record Opened(Incident incident, boolean existing) {
    }

    /**
     * As {@link #open(Integer, String, String, String, String)}; with an idempotency key, the same request again answers
     * the incident it opened ({@code existing}), and a different request with that key is refused (KEY_REUSED).
     */
    public Opened open(Integer ring, String severity, String title, String link, String openedBy,
                       String idempotencyKey) {
        if (ring == null) {
            throw IncidentRefusedException.invalid("ring", "ring is required");
        }
        if (topology.current().ring(ring).isEmpty()) {
            throw IncidentRefusedException.invalid("ring", "no ring " + ring + " in rings/; rings are "
                    + topology.current().rings().stream().map(r -> Integer.toString(r.id())).toList());
        }
        String sev = severity == null || severity.isBlank() ? DEFAULT_SEVERITY
                : severity.strip().toLowerCase(Locale.ROOT);
        if (!SEVERITY.matcher(sev).matches()) {
            throw IncidentRefusedException.invalid("severity", "severity must be one of sev1, sev2, sev3, sev4, got '"
                    + severity + "'");
        }
        String cleanLink = link == null || link.isBlank() ? null : link.strip();
        if (cleanLink != null && (cleanLink.length() > LINK_MAX || HttpUrls.link(cleanLink).isEmpty())) {
            throw IncidentRefusedException.invalid("link", "link must be an http(s) URL without user or password, "
                    + "at most " + LINK_MAX + " characters");
        }
        String cleanTitle = required("title", title, TITLE_MAX);
        String by = required("openedBy", openedBy, NAME_MAX);
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > NAME_MAX * 2)) {
            throw IncidentRefusedException.invalid("Idempotency-Key", "an idempotency key is 1 to 200 characters");
        }
        String hash = Sha256.start().add(ring).add(sev).add(cleanTitle).add(cleanLink).add(by).hex();
        Opened opened;
        try {
            opened = store.open(ring, sev, cleanTitle, cleanLink, by, clock.instant(), idempotencyKey, hash);
        } catch (jakarta.persistence.PersistenceException e) {
            if (idempotencyKey == null) {
                throw e;
            }
            // Another request with the same key committed first: answer as if this one came second.
            opened = store.open(ring, sev, cleanTitle, cleanLink, by, clock.instant(), idempotencyKey, hash);
        }
        if (!opened.existing()) {
            Incident i = opened.incident();
            Log.infof("Incident %s opened on ring %d by %s: %s", i.id(), ring, i.openedBy(), i.title());
            reload();
        }
        return opened;
    }

    /**
     * Closes an incident opened through the API.
     *
     * @throws IncidentRefusedException when the id is unknown, the incident is closed already or belongs to
     *                                  another source, or {@code closedBy} is missing
     */
    public Incident close(String id, String closedBy) {
        String by = required("closedBy", closedBy, NAME_MAX);
        Optional<Long> stored = storedId(id);
        if (stored.isEmpty()) {
            throw find(id).map(IncidentRefusedException::notClosable)
                    .orElseGet(() -> IncidentRefusedException.unknown(id));
        }
        Incident closed = store.close(stored.get(), by, clock.instant());
        Log.infof("Incident %s on ring %d closed by %s", closed.id(), closed.ring(), by);
        reload();
        return closed;
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        if (s != null && System.nanoTime() - s.readAt() < refreshNanos) {
            return s;
        }
        return reloadIfStale();
    }

    private synchronized Snapshot reloadIfStale() {
        Snapshot s = snapshot;
        // Another caller may have reloaded while this one waited for the lock.
        return s != null && System.nanoTime() - s.readAt() < refreshNanos ? s : reload();
    }

    /** One reload at a time, so an older read never replaces a newer one. */
    private synchronized Snapshot reload() {
        Snapshot previous = snapshot;
        Snapshot next;
        try {
            next = new Snapshot(store.open().stream().map(Incident::toActive).toList(), System.nanoTime(), null, null);
            if (previous != null && previous.failure() != null) {
                Log.infof("Incidents can be read from the database again (failing since %s)",
                        previous.failingSince());
            }
        } catch (RuntimeException e) {
            boolean wasFailing = previous != null && previous.failure() != null;
            next = new Snapshot(List.of(), System.nanoTime(), Failures.describe(e),
                    wasFailing ? previous.failingSince() : clock.instant());
            if (!wasFailing) {
                Log.warnf("Cannot read incidents from the database, so every ring counts as having one: %s",
                        Failures.describe(e));
            }
        }
        snapshot = next;
        return next;
    }

    private ActiveIncident unreadable(int ring, Snapshot s) {
        return new ActiveIncident(UNREADABLE_ID, ring, null, "Ripple cannot read incidents from its database since "
                + s.failingSince() + ": " + s.failure(), null, Incident.SOURCE_RIPPLE, s.failingSince());
    }

    private static String required(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw IncidentRefusedException.invalid(field, field + " is required");
        }
        String clean = value.strip();
        if (clean.length() > max) {
            throw IncidentRefusedException.invalid(field, field + " is longer than " + max + " characters");
        }
        return clean;
    }

    /** API incidents have numeric ids; anything else comes from another source. */
    private static Optional<Long> storedId(String id) {
        if (id == null || !id.matches("\\d{1,18}")) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(id));
    }
}
