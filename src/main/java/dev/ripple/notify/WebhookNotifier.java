package dev.ripple.notify;

import dev.ripple.notify.RolloutNotification.Event;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Sends rollout notifications to the webhooks configured under {@code ripple.notify.sinks}: Slack-compatible chat
 * messages or generic JSON events. {@link #publish} only queues; each sink delivers its own queue in order, retrying
 * transient failures, so a slow or dead sink delays nobody but itself. See {@code docs/notifications.md}.
 */
@Startup
@ApplicationScoped
public class WebhookNotifier implements Notifier {
    // A plain JBoss logger rather than Quarkus' Log: the sinks are also built outside Quarkus, in unit tests.
    private static final Logger LOG = Logger.getLogger(WebhookNotifier.class);
    private static final Map<String, Event> EVENTS = Arrays.stream(Event.values())
            .collect(Collectors.toMap(Event::wireName, e -> e));

    private final List<WebhookSink> sinks;
    private final Duration shutdownGrace;

    @Inject
    WebhookNotifier(NotifyConfig config, Config properties, Vertx vertx, MeterRegistry registry) {
        // As for cell credentials: the environment first, then a configuration property of that exact name.
        this(config, name -> Optional.ofNullable(System.getenv(name))
                .or(() -> properties.getOptionalValue(name, String.class)), vertx, registry);
    }

    /**
     * @param secrets reads a header value by the name {@code header-value-env} gives, at each delivery
     * @throws IllegalStateException naming every problem in the configuration, before anything is sent
     */
    WebhookNotifier(NotifyConfig config, Function<String, Optional<String>> secrets, Vertx vertx,
                    MeterRegistry registry) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("ripple.notify is not valid:\n  " + String.join("\n  ", problems));
        }
        this.shutdownGrace = config.shutdownGrace();
        this.sinks = config.sinks().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> new WebhookSink(e.getKey(), e.getValue(), config, events(e.getValue()), secrets, vertx,
                        registry))
                .toList();
        if (sinks.isEmpty()) {
            LOG.debug("No notification sinks configured: rollout notifications are only logged at DEBUG");
        }
        for (WebhookSink sink : sinks) {
            LOG.infof("Notification sink %s", sink.describe());
            config.sinks().get(sink.name()).headerValueEnv()
                    .filter(env -> secrets.apply(env).filter(v -> !v.isBlank()).isEmpty())
                    .ifPresent(env -> LOG.warnf("Notification sink '%s' sends its header from %s, which is not set; "
                            + "deliveries fail until it is", sink.name(), env));
        }
    }

    @Override
    public void publish(RolloutNotification notification) {
        try {
            if (sinks.isEmpty()) {
                LOG.debugf("Notification (no sinks configured): %s", notification);
                return;
            }
            for (WebhookSink sink : sinks) {
                if (sink.wants(notification.event())) {
                    sink.offer(notification);
                }
            }
        } catch (RuntimeException e) {
            // A notification is never worth failing a rollout step for.
            LOG.warnf("Could not queue a notification: %s", e.toString());
        }
    }

    void onShutdown(@Observes ShutdownEvent event) {
        stop(shutdownGrace);
    }

    /** Waits up to {@code grace} for every queue to empty, then stops each sink, counting what is left as dropped. */
    void stop(Duration grace) {
        CompletableFuture<?>[] idle = sinks.stream().map(WebhookSink::whenIdle).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(idle).get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Whatever has not gone out by now is counted and reported below.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (WebhookSink sink : sinks) {
            int left = sink.stop();
            if (left > 0) {
                LOG.warnf("Notification sink '%s' stopped with %d notification(s) not delivered", sink.name(), left);
            }
        }
    }

    private static Set<Event> events(NotifyConfig.Sink sink) {
        return sink.events()
                .map(names -> names.stream().map(EVENTS::get).collect(Collectors.toCollection(
                        () -> EnumSet.noneOf(Event.class))))
                .orElseGet(() -> EnumSet.allOf(Event.class));
    }

    static List<String> problems(NotifyConfig config) {
        List<String> problems = new ArrayList<>();
        if (config.queueCapacity() < 1) {
            problems.add("queue-capacity must be at least 1");
        }
        if (config.maxAttempts() < 1) {
            problems.add("max-attempts must be at least 1");
        }
        if (config.timeout().isNegative() || config.timeout().isZero()) {
            problems.add("timeout must be positive");
        }
        config.sinks().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            String key = "sinks.\"" + entry.getKey() + "\".";
            NotifyConfig.Sink sink = entry.getValue();
            URI url = sink.url();
            // The URL is not quoted back: a Slack webhook URL is a secret.
            if (!("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme()))
                    || url.getHost() == null) {
                problems.add(key + "url must be an absolute http or https URL");
            }
            sink.events().ifPresent(names -> names.stream().filter(n -> !EVENTS.containsKey(n)).forEach(n ->
                    problems.add(key + "events: unknown event '" + n + "'; known: " + Arrays.stream(Event.values())
                            .map(Event::wireName).collect(Collectors.joining(", ")))));
            if (sink.headerName().isPresent() != sink.headerValueEnv().isPresent()) {
                problems.add(key + "header-name and header-value-env go together");
            }
            if (sink.queueCapacity().filter(c -> c < 1).isPresent()) {
                problems.add(key + "queue-capacity must be at least 1");
            }
        });
        return problems;
    }
}
