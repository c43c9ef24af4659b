package dev.ripple.incidents;

import dev.ripple.platform.Failures;
import dev.ripple.platform.HttpUrls;
import dev.ripple.platform.RestClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Polls Alertmanager for active, unsilenced, uninhibited alerts that name a ring, and keeps the last answer. It fails
 * closed: while Alertmanager is configured but could not be read recently (or not yet), every ring gets an incident
 * saying so, because a rollout that cannot see alerts must not assume there are none.
 */
@ApplicationScoped
class AlertmanagerPoller {
    static final String UNREACHABLE_ID = "alertmanager-unreachable";

    private final Settings settings;
    private final Clock clock;
    private final MeterRegistry registry;
    /** Null when Alertmanager is not configured, or configured with a URL that cannot be called. */
    private final AlertmanagerClient client;
    private final String url;
    private final Instant startedAt;
    private volatile State state = new State(List.of(), null, null, null);

    /** What the poller needs from {@link IncidentsConfig.Alertmanager}; {@code url} is null when not configured. */
    record Settings(String url, Duration timeout, List<String> matchers, String ringLabel, Duration staleAfter,
                    boolean failClosed) {
        Settings {
            matchers = List.copyOf(matchers);
        }

        static Settings of(IncidentsConfig.Alertmanager config) {
            return new Settings(config.url().filter(u -> !u.isBlank()).orElse(null), config.timeout(),
                    config.matchers().orElse(List.of()), config.ringLabel(), config.staleAfter(), config.failClosed());
        }
    }

    /**
     * @param alerts       incidents from the last successful poll
     * @param lastSuccess  when that poll answered; null before the first success
     * @param failure      why the latest poll failed; null when it succeeded
     * @param failingSince the first failure of the current run of failures
     */
    private record State(List<ActiveIncident> alerts, Instant lastSuccess, String failure, Instant failingSince) {
    }

    private record Outcome(List<ActiveIncident> alerts, String failure) {
        static Outcome failed(String reason) {
            return new Outcome(null, reason);
        }
    }

    @Inject
    AlertmanagerPoller(IncidentsConfig config, Clock clock, MeterRegistry registry) {
        this(Settings.of(config.alertmanager()), clock, registry);
    }

    AlertmanagerPoller(Settings settings, Clock clock, MeterRegistry registry) {
        this.settings = settings;
        this.clock = clock;
        this.registry = registry;
        this.startedAt = clock.instant();
        String base = settings.url() == null ? null : settings.url().strip().replaceAll("/+$", "");
        Optional<URI> uri = base == null ? Optional.empty() : HttpUrls.base(base);
        this.url = uri.isPresent() ? base : null;
        this.client = uri.map(u -> RestClients.build(AlertmanagerClient.class, u, settings.timeout())).orElse(null);
    }

    boolean configured() {
        return settings.url() != null;
    }

    @Scheduled(every = "${ripple.incidents.alertmanager.poll-every:15s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledPoll() {
        return poll();
    }

    /** Reads Alertmanager once and records what it said or why it could not be read. Never fails. */
    Uni<Void> poll() {
        if (!configured()) {
            return Uni.createFrom().voidItem();
        }
        if (client == null) {
            record(Outcome.failed("ripple.incidents.alertmanager.url is not an http(s) URL without user, query or "
                    + "fragment"));
            return Uni.createFrom().voidItem();
        }
        Duration timeout = settings.timeout();
        return Uni.createFrom().deferred(() -> client.alerts(true, false, false, settings.matchers()))
                .map(this::read)
                .ifNoItem().after(timeout).recoverWithItem(() ->
                        Outcome.failed("no answer within " + timeout.toMillis() + " ms"))
                .onFailure().recoverWithItem(t -> Outcome.failed(Failures.isTimeout(t)
                        ? "no answer within " + timeout.toMillis() + " ms" : "unreachable: " + Failures.describe(t)))
                .invoke(this::record)
                .replaceWithVoid();
    }

    /** The ring's alerts from the last successful poll, and the fail-closed incident when that poll is too old. */
    List<ActiveIncident> activeOn(int ring) {
        List<ActiveIncident> active = new ArrayList<>();
        for (ActiveIncident alert : state.alerts()) {
            if (alert.ring() == ring) {
                active.add(alert);
            }
        }
        unreachableOn(ring).ifPresent(active::add);
        return active;
    }

    /** Every alert from the last successful poll, whatever its ring. */
    List<ActiveIncident> alerts() {
        return state.alerts();
    }

    /** The incident that blocks {@code ring} because Alertmanager cannot be trusted now; empty when it can. */
    Optional<ActiveIncident> unreachableOn(int ring) {
        State s = state;
        if (!configured() || !settings.failClosed()
                || s.lastSuccess() != null && !clock.instant().isAfter(s.lastSuccess().plus(settings.staleAfter()))) {
            return Optional.empty();
        }
        String reason = s.failure() == null ? "" : ": " + s.failure();
        String title = s.lastSuccess() == null
                ? where() + " has not been read yet" + reason
                : where() + " has not been read since " + s.lastSuccess() + reason;
        Instant since = s.failingSince() != null ? s.failingSince()
                : s.lastSuccess() != null ? s.lastSuccess() : startedAt;
        return Optional.of(new ActiveIncident(UNREACHABLE_ID, ring, null,
                title + "; gradual rollouts wait until it answers", url, Incident.SOURCE_RIPPLE, since));
    }

    /** The URL only when it is a valid one: a malformed URL might carry a password. */
    private String where() {
        return "Alertmanager" + (url == null ? "" : " at " + url);
    }

    private Outcome read(Response response) {
        try (response) {
            String body = response.hasEntity() ? response.readEntity(String.class) : "";
            if (response.getStatus() != 200) {
                return Outcome.failed("answered HTTP " + response.getStatus() + (body == null || body.isBlank()
                        ? "" : ": " + Failures.snippet(body)));
            }
            return new Outcome(AlertmanagerAlerts.read(body, settings.ringLabel(), clock.instant()), null);
        } catch (IllegalArgumentException e) {
            return Outcome.failed("unreadable answer: " + e.getMessage());
        }
    }

    /** Logs the start and the end of a run of failures, not every failed poll. */
    private synchronized void record(Outcome outcome) {
        State previous = state;
        Instant now = clock.instant();
        if (outcome.failure() == null) {
            state = new State(List.copyOf(outcome.alerts()), now, null, null);
            if (previous.failure() != null) {
                Log.infof("%s answers again (failing since %s); %d alert(s) name a ring", where(),
                        previous.failingSince(), outcome.alerts().size());
            }
        } else {
            state = new State(previous.alerts(), previous.lastSuccess(), outcome.failure(),
                    previous.failure() == null ? now : previous.failingSince());
            if (previous.failure() == null) {
                Log.warnf("Cannot read %s: %s. %s", where(), outcome.failure(), settings.failClosed()
                        ? "Gradual rollouts wait while its last answer is missing or older than "
                        + settings.staleAfter().toSeconds() + "s."
                        : "ripple.incidents.alertmanager.fail-closed is off: rollouts proceed without it.");
            }
        }
        registry.counter("ripple.incidents.alertmanager.polls", "outcome", outcome.failure() == null ? "ok" : "failed")
                .increment();
    }

    @PreDestroy
    void close() {
        RestClients.close(client);
    }
}
