package dev.ripple.notify;

import dev.ripple.notify.RolloutNotification.Event;
import dev.ripple.platform.Backoff;
import dev.ripple.platform.Failures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import org.jboss.logging.Logger;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * One webhook: a bounded queue delivered in order with one request in flight, so a slow or dead endpoint holds up
 * only its own notifications. A full queue drops its oldest entry rather than make the publisher wait. Each
 * notification is tried up to {@code max-attempts} times and then given up (at most once delivered).
 */
final class WebhookSink {
    // The notifier's category for every sink, so one logger level covers the whole of notify.
    private static final Logger LOG = Logger.getLogger(WebhookNotifier.class);
    private static final double JITTER = 0.5;
    private static final int MAX_BODY_IN_LOG = 120;
    private static final int MIN_SECRET_WORD = 6;

    private final String name;
    private final URI url;
    private final NotifyConfig.Format format;
    private final Set<Event> events;
    private final Optional<String> headerName;
    private final Optional<String> headerValueEnv;
    private final Function<String, Optional<String>> secrets;
    private final int capacity;
    private final Duration timeout;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final WebClient client;
    private final Counter delivered;
    private final Counter failed;
    private final Counter dropped;

    private final Object lock = new Object();
    private final ArrayDeque<RolloutNotification> queue = new ArrayDeque<>();
    private final List<CompletableFuture<Void>> idleWaiters = new ArrayList<>();
    private boolean sending;
    private boolean overflowing;
    private volatile boolean stopped;

    WebhookSink(String name, NotifyConfig.Sink sink, NotifyConfig config, Set<Event> events,
                Function<String, Optional<String>> secrets, Vertx vertx, MeterRegistry registry) {
        this.name = name;
        this.url = sink.url();
        this.format = sink.format();
        this.events = events.isEmpty() ? EnumSet.noneOf(Event.class) : EnumSet.copyOf(events);
        this.headerName = sink.headerName();
        this.headerValueEnv = sink.headerValueEnv();
        this.secrets = secrets;
        this.capacity = sink.queueCapacity().orElse(config.queueCapacity());
        this.timeout = config.timeout();
        this.maxAttempts = config.maxAttempts();
        this.initialBackoff = config.initialBackoff();
        this.maxBackoff = config.maxBackoff();
        // A client per sink: sinks on the same host (two Slack webhooks) never wait for each other's connections.
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .setUserAgent("Ripple"));
        this.delivered = outcome(registry, "delivered");
        this.failed = outcome(registry, "failed");
        this.dropped = outcome(registry, "dropped");
        Gauge.builder("ripple.notify.queue.size", this, WebhookSink::queueSize)
                .description("Notifications waiting for a sink, the one in flight excluded")
                .tag("sink", name).register(registry);
    }

    private Counter outcome(MeterRegistry registry, String outcome) {
        return Counter.builder("ripple.notify.deliveries")
                .description("Notifications per sink by how they ended: delivered, failed (gave up) or dropped")
                .tags("sink", name, "outcome", outcome).register(registry);
    }

    String name() {
        return name;
    }

    boolean wants(Event event) {
        return events.contains(event);
    }

    /** How the sink reads in a log line: never the URL's path or query, which for Slack hold the webhook's secret. */
    String describe() {
        return "'" + name + "' (" + format.name().toLowerCase(Locale.ROOT) + " to " + url.getScheme() + "://"
                + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + ", " + capacity
                + " queued at most, events: "
                + (events.size() == Event.values().length ? "all" : events.stream().map(Event::wireName).toList())
                + (headerName.isPresent() ? ", header " + headerName.get() + " from " + headerValueEnv.orElse("?") : "")
                + ")";
    }

    /** Queues the notification and starts sending if nothing is in flight. Never blocks on the network. */
    void offer(RolloutNotification notification) {
        RolloutNotification lost = null;
        boolean firstLoss = false;
        boolean start = false;
        synchronized (lock) {
            if (stopped) {
                lost = notification;
            } else {
                if (queue.size() >= capacity) {
                    lost = queue.pollFirst();
                    firstLoss = !overflowing;
                    overflowing = true;
                }
                queue.addLast(notification);
                start = !sending;
                sending = true;
            }
        }
        if (lost != null) {
            dropped.increment();
            // Once per backlog, not once per drop: a dead sink under a busy engine would otherwise flood the log.
            if (firstLoss) {
                LOG.warnf("Notification sink '%s' has %d notifications waiting; dropping the oldest until it "
                        + "catches up", name, capacity);
            } else {
                LOG.debugf("Notification sink '%s' dropped the %s notification of rollout %s", name,
                        lost.event().wireName(), lost.rolloutId());
            }
        }
        if (start) {
            sendNext();
        }
    }

    int queueSize() {
        synchronized (lock) {
            return queue.size();
        }
    }

    /** Completes once nothing is queued or in flight. */
    CompletableFuture<Void> whenIdle() {
        synchronized (lock) {
            if (!sending && queue.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> idle = new CompletableFuture<>();
            idleWaiters.add(idle);
            return idle;
        }
    }

    /** Stops for good: what is still queued is dropped and counted, a notification between retries is abandoned. */
    int stop() {
        int left;
        synchronized (lock) {
            if (stopped) {
                return 0;
            }
            stopped = true;
            left = queue.size();
            queue.clear();
        }
        dropped.increment(left);
        client.close();
        return left;
    }

    private void sendNext() {
        RolloutNotification next;
        List<CompletableFuture<Void>> idle = List.of();
        synchronized (lock) {
            next = queue.pollFirst();
            if (next == null) {
                sending = false;
                overflowing = false;
                idle = new ArrayList<>(idleWaiters);
                idleWaiters.clear();
            }
        }
        if (next == null) {
            idle.forEach(f -> f.complete(null));
            return;
        }
        RolloutNotification current = next;
        Uni.createFrom().deferred(() -> deliver(current))
                // The next send starts from a worker, not from inside this one's callback: a run of answers that
                // come at once (a missing secret) would otherwise nest one stack frame per queued notification.
                .emitOn(Infrastructure.getDefaultExecutor())
                .subscribe().with(x -> sendNext(), t -> {
                    failed.increment();
                    LOG.warnf("Notification sink '%s' could not send the %s notification of rollout %s: %s", name,
                            current.event().wireName(), current.rolloutId(), t.getClass().getName());
                    sendNext();
                });
    }

    private Uni<Void> deliver(RolloutNotification notification) {
        String body = format == NotifyConfig.Format.SLACK ? SlackMessage.render(notification)
                : JsonEvent.render(notification);
        return attempt(body, 1).invoke(last -> record(notification, last)).replaceWithVoid();
    }

    private Uni<Attempt> attempt(String body, int number) {
        return Uni.createFrom().deferred(() -> send(body))
                .onFailure().recoverWithItem(t -> Attempt.retryable(describe(t), null))
                .map(result -> result.number(number))
                .flatMap(result -> {
                    if (result.kind() != Attempt.Kind.RETRYABLE || number >= maxAttempts || stopped) {
                        return Uni.createFrom().item(result);
                    }
                    Duration wait = Backoff.exponential(number, initialBackoff, maxBackoff, JITTER);
                    if (result.retryAfter() != null && result.retryAfter().compareTo(wait) > 0) {
                        wait = result.retryAfter().compareTo(maxBackoff) > 0 ? maxBackoff : result.retryAfter();
                    }
                    LOG.debugf("Notification sink '%s': attempt %d failed (%s), next in %d ms", name, number,
                            result.problem(), wait.toMillis());
                    return Uni.createFrom().voidItem().onItem().delayIt().by(wait)
                            .flatMap(x -> attempt(body, number + 1));
                });
    }

    private Uni<Attempt> send(String body) {
        Optional<String> secret = Optional.empty();
        if (headerName.isPresent()) {
            secret = headerValueEnv.flatMap(secrets).filter(s -> !s.isBlank());
            if (secret.isEmpty()) {
                return Uni.createFrom().item(Attempt.rejected(
                        "header-value-env " + headerValueEnv.orElse("?") + " is not set"));
            }
        }
        HttpRequest<Buffer> request = client.postAbs(url.toString())
                .putHeader("Content-Type", "application/json; charset=utf-8")
                // Vert.x's timeout is an idle timeout: it resets the request but misses an answer that trickles in.
                .timeout(timeout.toMillis());
        secret.ifPresent(value -> request.putHeader(headerName.get(), value));
        Optional<String> redact = secret;
        return request.sendBuffer(Buffer.buffer(body))
                // The whole attempt's deadline, connecting and a slow answer included.
                .ifNoItem().after(timeout).failWith(TimeoutException::new)
                .map(response -> Attempt.of(response, redact));
    }

    private void record(RolloutNotification notification, Attempt last) {
        String event = notification.event().wireName();
        if (last.kind() == Attempt.Kind.DELIVERED) {
            delivered.increment();
            LOG.debugf("Notification sink '%s' delivered the %s notification of rollout %s (attempt %d)", name, event,
                    notification.rolloutId(), last.number());
        } else if (stopped && last.kind() == Attempt.Kind.RETRYABLE) {
            dropped.increment();
            LOG.debugf("Notification sink '%s' abandoned the %s notification of rollout %s at shutdown", name, event,
                    notification.rolloutId());
        } else {
            failed.increment();
            LOG.warnf("Notification sink '%s' gave up on the %s notification of rollout %s after %d attempt(s): %s",
                    name, event, notification.rolloutId(), last.number(), last.problem());
        }
    }

    /** What went wrong, without the URL: timeouts and some client errors quote the request line, path included. */
    private String describe(Throwable failure) {
        if (Failures.isTimeout(failure)) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (failure instanceof ConnectException || failure instanceof UnknownHostException) {
            return "cannot connect (" + failure.getMessage() + ")";
        }
        return failure.getClass().getSimpleName();
    }

    /** How one attempt ended. */
    record Attempt(Kind kind, String problem, Duration retryAfter, int number) {
        enum Kind { DELIVERED, RETRYABLE, REJECTED }

        static Attempt retryable(String problem, Duration retryAfter) {
            return new Attempt(Kind.RETRYABLE, problem, retryAfter, 0);
        }

        static Attempt rejected(String problem) {
            return new Attempt(Kind.REJECTED, problem, null, 0);
        }

        static Attempt of(HttpResponse<Buffer> response, Optional<String> secret) {
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return new Attempt(Kind.DELIVERED, null, null, 0);
            }
            String problem = "HTTP " + status + excerpt(response.bodyAsString(), secret);
            return status == 429 || status >= 500 ? retryable(problem, retryAfter(response.getHeader("Retry-After")))
                    : rejected(problem);
        }

        Attempt number(int number) {
            return new Attempt(kind, problem, retryAfter, number);
        }

        /** Slack explains a refusal in its body ({@code invalid_payload}); an echoed header must not leak. */
        private static String excerpt(String body, Optional<String> secret) {
            if (body == null || body.isBlank()) {
                return "";
            }
            String text = body;
            if (secret.isPresent()) {
                // The whole value and its words ("Bearer xyz": xyz), in case the server echoes only the token.
                text = text.replace(secret.get(), "***");
                for (String word : secret.get().split("\\s+")) {
                    text = word.length() >= MIN_SECRET_WORD ? text.replace(word, "***") : text;
                }
            }
            text = text.strip().replaceAll("\\s+", " ");
            return " (" + (text.length() > MAX_BODY_IN_LOG ? text.substring(0, MAX_BODY_IN_LOG) + "…" : text) + ")";
        }

        private static Duration retryAfter(String header) {
            try {
                return header == null ? null : Duration.ofSeconds(Long.parseLong(header.strip()));
            } catch (NumberFormatException e) {
                return null;  // an HTTP date: the exponential backoff serves
            }
        }
    }
}
