package dev.ripple.audit;

import dev.ripple.notify.FlagLogEntry;
import dev.ripple.notify.NotifyConfig;
import dev.ripple.platform.Backoff;
import dev.ripple.platform.HttpUrls;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes feature-flag log entries to GitLab: each entry as an issue in the log project, closed at once (as GitLab's
 * own feature-flag log does), and as a note on the rollout issue when the rollout names an issue of this GitLab.
 * {@link #offer} only queues: one thread sends the queue in order, retrying 5xx, 429, timeouts and connection failures
 * with backoff, so a slow or dead GitLab never slows a rollout. A full queue drops its oldest entry. The token goes
 * only to the configured GitLab, in a header, and is never logged.
 */
final class GitlabFlagLog {
    private static final Logger LOG = Logger.getLogger(GitlabFlagLog.class);
    private static final Pattern ISSUE_PATH = Pattern.compile("^/(.+?)/(?:-/)?issues/(\\d{1,18})/?$");
    private static final int MAX_TITLE = 255;
    private static final double JITTER = 0.5;

    private final Settings settings;
    private final Function<String, Optional<String>> secrets;
    private final HttpClient http;
    private final String api;
    private final Counter delivered;
    private final Counter failed;
    private final Counter dropped;
    private final Object lock = new Object();
    private final ArrayDeque<FlagLogEntry> queue = new ArrayDeque<>();
    private final Thread worker;
    private boolean sending;
    private boolean overflowing;
    private boolean stopped;

    /** The GitLab settings, checked; queueing and retries as for the notification sinks. */
    record Settings(URI url, Optional<String> project, String tokenEnv, List<String> labels, boolean notes,
                    Duration timeout, int queueCapacity, int maxAttempts, Duration initialBackoff,
                    Duration maxBackoff) {
        static Settings of(FlagLogConfig.Gitlab config, NotifyConfig delivery) {
            List<String> problems = new ArrayList<>();
            // The URL is not quoted back: it could carry a secret in its query.
            if (config.url().flatMap(HttpUrls::base).isEmpty()) {
                problems.add("url must be an absolute http or https URL without credentials, query or fragment");
            }
            if (config.tokenEnv().isBlank()) {
                problems.add("token-env must name an environment variable");
            }
            if (config.timeout().isNegative() || config.timeout().isZero()) {
                problems.add("timeout must be positive");
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException("ripple.flag-log.gitlab is not valid:\n  "
                        + String.join("\n  ", problems));
            }
            return new Settings(HttpUrls.base(config.url().orElseThrow()).orElseThrow(),
                    config.project().filter(p -> !p.isBlank()), config.tokenEnv(), config.labels().orElse(List.of()),
                    config.notes(), config.timeout(), delivery.queueCapacity(), delivery.maxAttempts(),
                    delivery.initialBackoff(), delivery.maxBackoff());
        }
    }

    GitlabFlagLog(Settings settings, Function<String, Optional<String>> secrets, MeterRegistry registry) {
        this.settings = settings;
        this.secrets = secrets;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String base = settings.url().toString();
        this.api = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/v4";
        this.delivered = outcome(registry, "delivered");
        this.failed = outcome(registry, "failed");
        this.dropped = outcome(registry, "dropped");
        this.worker = new Thread(this::run, "ripple-flag-log-gitlab");
        worker.setDaemon(true);
        worker.start();
    }

    private static Counter outcome(MeterRegistry registry, String outcome) {
        return Counter.builder("ripple.flag.log.gitlab")
                .description("Feature-flag log entries for GitLab by how they ended: delivered, failed or dropped")
                .tag("outcome", outcome).register(registry);
    }

    /** How the target reads in a log line: scheme, host and port, and the project. */
    String describe() {
        URI url = settings.url();
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + settings.project().map(p -> ", log project " + p).orElse(", no log project")
                + (settings.notes() ? ", notes on rollout issues" : "") + ", token from " + settings.tokenEnv();
    }

    boolean tokenMissing() {
        return token().isEmpty();
    }

    /** Queues the entry and returns at once. */
    void offer(FlagLogEntry entry) {
        boolean firstLoss = false;
        boolean lost = false;
        synchronized (lock) {
            if (stopped) {
                lost = true;
            } else {
                if (queue.size() >= settings.queueCapacity()) {
                    queue.pollFirst();
                    lost = true;
                    firstLoss = !overflowing;
                    overflowing = true;
                }
                queue.addLast(entry);
                lock.notifyAll();
            }
        }
        if (lost) {
            dropped.increment();
            if (firstLoss) {
                LOG.warnf("The GitLab feature-flag log has %d entries waiting; dropping the oldest until it catches "
                        + "up", settings.queueCapacity());
            }
        }
    }

    /** Waits until nothing is queued or in flight; false when {@code wait} ran out first. */
    boolean awaitIdle(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (lock) {
            while (sending || !queue.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || stopped) {
                    return false;
                }
                waitOn(left);
            }
            return true;
        }
    }

    /** Stops for good; what is still queued is dropped and counted. */
    int stop() {
        int left;
        synchronized (lock) {
            stopped = true;
            left = queue.size();
            queue.clear();
            lock.notifyAll();
        }
        dropped.increment(left);
        return left;
    }

    private void run() {
        while (true) {
            FlagLogEntry entry;
            synchronized (lock) {
                sending = false;
                lock.notifyAll();
                while (queue.isEmpty() && !stopped) {
                    overflowing = false;
                    waitOn(Long.MAX_VALUE);
                }
                if (stopped) {
                    return;
                }
                entry = queue.pollFirst();
                sending = true;
            }
            try {
                (deliver(entry) ? delivered : failed).increment();
            } catch (RuntimeException e) {
                failed.increment();
                LOG.warnf("The GitLab feature-flag log could not send the entry of rollout %s: %s", entry.rolloutId(),
                        e.getClass().getSimpleName());
            }
        }
    }

    /** Sends one entry: true when every call it needed succeeded. */
    private boolean deliver(FlagLogEntry entry) {
        Optional<String> token = token();
        if (token.isEmpty()) {
            LOG.warnf("The GitLab feature-flag log entry of rollout %s was not sent: %s is not set",
                    entry.rolloutId(), settings.tokenEnv());
            return false;
        }
        boolean ok = true;
        if (settings.project().isPresent()) {
            String issues = "/projects/" + encode(settings.project().get()) + "/issues";
            Optional<JsonObject> created = call("create the log issue", entry, "POST", issues, new JsonObject()
                    .put("title", title(entry.title()))
                    .put("description", FlagLogMarkdown.describe(entry))
                    .put("labels", String.join(",", settings.labels())), token.get());
            Optional<Long> iid = created.map(issue -> issue.getValue("iid")).filter(Number.class::isInstance)
                    .map(n -> ((Number) n).longValue());
            ok = iid.isPresent() && call("close the log issue", entry, "PUT", issues + "/" + iid.get(),
                    new JsonObject().put("state_event", "close"), token.get()).isPresent();
        }
        if (settings.notes() && entry.rolloutIssue() != null) {
            Optional<IssueRef> issue = IssueRef.on(settings.url(), entry.rolloutIssue());
            if (issue.isEmpty()) {
                LOG.debugf("Rollout %s names an issue that is not on this GitLab: no note", entry.rolloutId());
            } else {
                ok &= call("note on the rollout issue", entry, "POST", "/projects/" + encode(issue.get().project())
                        + "/issues/" + issue.get().iid() + "/notes", new JsonObject()
                        .put("body", FlagLogMarkdown.note(entry)), token.get()).isPresent();
            }
        }
        return ok;
    }

    /** One API call with its retries; the answer's JSON object when it succeeded. */
    private Optional<JsonObject> call(String what, FlagLogEntry entry, String method, String path, JsonObject body,
                                      String token) {
        for (int attempt = 1; ; attempt++) {
            Attempt result = send(method, path, body, token);
            if (result.answer != null) {
                return Optional.of(result.answer);
            }
            if (!result.retryable || attempt >= settings.maxAttempts() || isStopped()) {
                LOG.warnf("The GitLab feature-flag log gave up trying to %s for rollout %s after %d attempt(s): %s",
                        what, entry.rolloutId(), attempt, result.problem);
                return Optional.empty();
            }
            Duration wait = Backoff.exponential(attempt, settings.initialBackoff(), settings.maxBackoff(), JITTER);
            if (result.retryAfter != null && result.retryAfter.compareTo(wait) > 0) {
                wait = result.retryAfter.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff()
                        : result.retryAfter;
            }
            LOG.debugf("The GitLab feature-flag log could not %s (%s); again in %d ms", what, result.problem,
                    wait.toMillis());
            if (!pause(wait)) {
                return Optional.empty();
            }
        }
    }

    private Attempt send(String method, String path, JsonObject body, String token) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api + path))
                .timeout(settings.timeout())
                .header("PRIVATE-TOKEN", token)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Ripple")
                .method(method, HttpRequest.BodyPublishers.ofString(body.encode()))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            return Attempt.retry("no answer within " + settings.timeout().toMillis() + " ms", null);
        } catch (IOException e) {
            return Attempt.retry("cannot connect (" + e.getClass().getSimpleName() + ")", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Attempt.refused("interrupted");
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            try {
                String text = response.body();
                return new Attempt(text == null || text.isBlank() || !text.strip().startsWith("{") ? new JsonObject()
                        : new JsonObject(text), false, null, null);
            } catch (RuntimeException e) {
                return Attempt.refused("HTTP " + status + " with an answer that is not JSON");
            }
        }
        String problem = "HTTP " + status + excerpt(response.body(), token);
        return status == 429 || status >= 500
                ? Attempt.retry(problem, retryAfter(response.headers().firstValue("Retry-After").orElse(null)))
                : Attempt.refused(problem);
    }

    private record Attempt(JsonObject answer, boolean retryable, String problem, Duration retryAfter) {
        static Attempt retry(String problem, Duration retryAfter) {
            return new Attempt(null, true, problem, retryAfter);
        }

        static Attempt refused(String problem) {
            return new Attempt(null, false, problem, null);
        }
    }

    private Optional<String> token() {
        return secrets.apply(settings.tokenEnv()).filter(t -> !t.isBlank());
    }

    private boolean isStopped() {
        synchronized (lock) {
            return stopped;
        }
    }

    /** Waits {@code wait}, or less if stopped meanwhile; false when stopped. */
    private boolean pause(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (lock) {
            while (!stopped) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                waitOn(left);
            }
            return false;
        }
    }

    private void waitOn(long nanos) {
        try {
            long millis = Math.max(1, Math.min(nanos / 1_000_000, Long.MAX_VALUE / 2));
            lock.wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        }
    }

    private static String title(String title) {
        return title.length() <= MAX_TITLE ? title : title.substring(0, MAX_TITLE - 1) + "…";
    }

    private static String encode(String project) {
        return URLEncoder.encode(project, StandardCharsets.UTF_8);
    }

    /** GitLab explains a refusal in its body; a body that echoes the token must not put it in the log. */
    private static String excerpt(String body, String token) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String text = body.replace(token, "***").strip().replaceAll("\\s+", " ");
        return " (" + (text.length() > 120 ? text.substring(0, 120) + "…" : text) + ")";
    }

    private static Duration retryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** An issue of this GitLab, from its web URL: {@code https://gitlab.example.com/group/project/-/issues/123}. */
    record IssueRef(String project, long iid) {
        /** The issue the link names, when it is an issue page of the GitLab at {@code gitlab}. */
        static Optional<IssueRef> on(URI gitlab, String link) {
            Optional<URI> parsed = HttpUrls.link(link);
            if (parsed.isEmpty() || !sameServer(gitlab, parsed.get())) {
                return Optional.empty();
            }
            String root = gitlab.getRawPath() == null ? "" : gitlab.getRawPath().replaceAll("/+$", "");
            String path = parsed.get().getRawPath();
            if (path == null || !path.startsWith(root + "/")) {
                return Optional.empty();
            }
            Matcher m = ISSUE_PATH.matcher(path.substring(root.length()));
            if (!m.matches()) {
                return Optional.empty();
            }
            return Optional.of(new IssueRef(URLDecoder.decode(m.group(1), StandardCharsets.UTF_8),
                    Long.parseLong(m.group(2))));
        }

        private static boolean sameServer(URI a, URI b) {
            return a.getHost().toLowerCase(Locale.ROOT).equals(b.getHost().toLowerCase(Locale.ROOT))
                    && port(a) == port(b);
        }

        private static int port(URI uri) {
            return uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        }
    }
}
