package dev.ripple.notify;

import dev.ripple.notify.RolloutNotification.Event;
import dev.ripple.testing.LogCapture;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The webhook notifier against real HTTP endpoints on a loopback port, built without Quarkus. */
class WebhookNotifierTest {
    private static final String SECRET = "Bearer n0tify-s3cret-value";
    private static final RolloutNotification HALTED = new RolloutNotification(Event.HALTED, "42", "new_search_ui",
            "25% of actors", 2, "auto", "alice", 1, "error ratio 0.034 > halt 0.02",
            Instant.parse("2026-11-21T10:15:30Z"), List.of());

    private static Vertx vertx;
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private WebhookStub stub;
    private WebhookNotifier notifier;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.closeAndAwait();
    }

    @BeforeEach
    void startStub() throws Exception {
        stub = new WebhookStub();
    }

    @AfterEach
    void stopEverything() {
        if (notifier != null) {
            notifier.stop(Duration.ZERO);
        }
        stub.close();
    }

    @Test
    void slackSinkGetsAReadableLineAndJsonSinkGetsEveryField() {
        // Given a Slack sink and a generic JSON sink
        notifier(sink("chat", "/slack", "slack"), sink("events", "/json", "json"));
        // When a halt is published
        notifier.publish(HALTED);
        // Then the chat reads the line, and the JSON consumer gets every field
        await().until(() -> stub.received("/slack").size() == 1 && stub.received("/json").size() == 1);
        JsonObject slack = new JsonObject(stub.received("/slack").get(0).body());
        String line = ":rotating_light: Rollout 42 of `new_search_ui` (25% of actors, up to ring 2) halted on ring 1: "
                + "error ratio 0.034 &gt; halt 0.02 — by alice";
        assertThat(slack.getString("text")).isEqualTo(line);
        assertThat(slack.getJsonArray("blocks").getJsonObject(0).getJsonObject("text").getString("text"))
                .isEqualTo(line);
        assertThat(slack.getJsonArray("blocks").encode()).contains("mode auto", "2026-11-21T10:15:30Z");
        JsonObject json = new JsonObject(stub.received("/json").get(0).body());
        assertThat(json.fieldNames()).containsExactlyInAnyOrder("event", "rolloutId", "flag", "change", "upToRing",
                "mode", "initiator", "ring", "summary", "at", "failures", "flagLog");
        assertThat(json.getString("event")).isEqualTo("halted");
        assertThat(json.getString("rolloutId")).isEqualTo("42");
        assertThat(json.getString("flag")).isEqualTo("new_search_ui");
        assertThat(json.getString("change")).isEqualTo("25% of actors");
        assertThat(json.getInteger("upToRing")).isEqualTo(2);
        assertThat(json.getString("mode")).isEqualTo("auto");
        assertThat(json.getString("initiator")).isEqualTo("alice");
        assertThat(json.getInteger("ring")).isEqualTo(1);
        assertThat(json.getString("summary")).isEqualTo("error ratio 0.034 > halt 0.02");
        assertThat(json.getString("at")).isEqualTo("2026-11-21T10:15:30Z");
        assertThat(json.getJsonArray("failures")).isEmpty();
        assertThat(json.getValue("flagLog")).isNull();
        assertThat(stub.received("/json").get(0).header("Content-Type")).startsWith("application/json");
        assertThat(count("chat", "delivered") + count("events", "delivered")).isEqualTo(2);
    }

    @Test
    void serverErrorsAreRetriedAndClientErrorsAreNot() {
        // Given a sink that fails twice then answers, one that refuses the message, and one always down
        stub.answer("/flaky", 500, 500);
        stub.answer("/bad", 400);
        stub.answer("/down", 503, 503, 503, 503, 503);
        notifier(sink("flaky", "/flaky", "json"), sink("bad", "/bad", "json"), sink("down", "/down", "json"),
                Map.of("ripple.notify.max-attempts", "3"));
        try (LogCapture logs = LogCapture.start()) {
            // When a halt is published
            notifier.publish(HALTED);
            // Then the flaky sink has it once, on the third attempt; the refusing one was asked once; the down one
            // three times; each give-up is one WARN naming the sink and the event
            await().until(() -> count("flaky", "delivered") == 1 && count("bad", "failed") == 1
                    && count("down", "failed") == 1);
            assertThat(stub.received("/flaky")).hasSize(3);
            assertThat(stub.received("/bad")).hasSize(1);
            assertThat(stub.received("/down")).hasSize(3);
            assertThat(count("flaky", "failed")).isZero();
            List<String> gaveUp = logs.lines().stream().filter(l -> l.startsWith("WARN") && l.contains("gave up"))
                    .toList();
            assertThat(gaveUp).hasSize(2);
            assertThat(gaveUp).anyMatch(l -> l.contains("'bad' gave up on the halted notification of rollout 42 "
                    + "after 1 attempt(s): HTTP 400 (ok)"));
            assertThat(gaveUp).anyMatch(l -> l.contains("'down' gave up on the halted notification of rollout 42 "
                    + "after 3 attempt(s): HTTP 503 (ok)"));
        }
    }

    @Test
    void connectionErrorsAreRetriedUpToMaxAttempts() throws IOException {
        // Given a sink whose port nobody listens on
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (LogCapture logs = LogCapture.startWithAllOf("dev.ripple.notify")) {
            notifier(Map.of("ripple.notify.sinks.nobody.url", "http://127.0.0.1:" + closedPort + "/hook",
                    "ripple.notify.max-attempts", "3"));
            // When a notification is published
            notifier.publish(HALTED);
            // Then it is tried three times and given up
            await().until(() -> count("nobody", "failed") == 1);
            assertThat(logs.lines()).filteredOn(l -> l.matches(".*attempt \\d failed.*")).hasSize(2);
            assertThat(logs.lines()).anyMatch(l -> l.startsWith("WARN") && l.contains("cannot connect"));
        }
    }

    @Test
    void aHangingSinkDelaysOnlyItselfAndDropsItsOldest() {
        // Given a sink that never answers (room for 100) and a healthy one with room for everything
        stub.hang("/stuck");
        notifier(sink("stuck", "/stuck", "json"), sink("healthy", "/healthy", "json"), Map.of(
                "ripple.notify.sinks.stuck.queue-capacity", "100",
                "ripple.notify.sinks.healthy.queue-capacity", "5000",
                "ripple.notify.timeout", "30s"));
        // When 5,000 notifications are published from this thread
        IntStream.range(0, 5_000).forEach(i -> notifier.publish(started(i)));
        // Then every call returned; the stuck sink holds 100, has one in flight and dropped the rest, oldest first
        assertThat(queueSize("stuck")).isEqualTo(100);
        assertThat(count("stuck", "dropped")).isEqualTo(4_899);
        // and the healthy sink gets all of them, in order
        await().atMost(Duration.ofSeconds(60)).until(() -> count("healthy", "delivered") == 5_000);
        assertThat(stub.received("/healthy")).extracting(r -> new JsonObject(r.body()).getString("rolloutId"))
                .containsExactlyElementsOf(IntStream.range(0, 5_000).mapToObj(Integer::toString).toList());
        assertThat(stub.received("/stuck")).hasSize(1);
        assertThat(new JsonObject(stub.received("/stuck").get(0).body()).getString("rolloutId")).isEqualTo("0");
    }

    @Test
    void aSinkGetsOnlyTheEventsItAsksFor() {
        // Given a sink for halts and rollbacks only
        notifier(sink("incidents", "/incidents", "json"),
                Map.of("ripple.notify.sinks.incidents.events", "halted,rolled-back"));
        // When a rollout starts, finishes a ring, halts and rolls back
        List.of(Event.STARTED, Event.RING_DONE, Event.HALTED, Event.ROLLED_BACK)
                .forEach(e -> notifier.publish(of(e, "7")));
        // Then the sink got the halt and the rollback (in order, so nothing else can still be on its way)
        await().until(() -> stub.received("/incidents").size() == 2);
        assertThat(stub.received("/incidents")).extracting(r -> new JsonObject(r.body()).getString("event"))
                .containsExactly("halted", "rolled-back");
    }

    @Test
    void aFeatureFlagLogSinkGetsTheLogAndNothingElse() {
        // Given a sink that asks for the feature-flag log only
        notifier(sink("flag-log", "/log", "json"), Map.of("ripple.notify.sinks.flag-log.events", "flag-log"));
        FlagLogEntry entry = new FlagLogEntry("Feature flag 'new_search_ui' set to '25%' of actors on ring 2",
                "new_search_ui", 2, FlagLogEntry.CHANGE, "25% of actors", "7", "gradual", 3, "alice", "step 2", null,
                List.of("eu-1: off → 25% of actors"), List.of(), 0, Instant.parse("2026-11-21T10:15:30Z"));
        // When a rollout starts, logs a ring's change, and finishes the ring
        notifier.publish(of(Event.STARTED, "7"));
        notifier.publish(entry.notification());
        notifier.publish(of(Event.RING_DONE, "7"));
        notifier.publish(of(Event.COMPLETED, "7"));
        // Then the sink got the entry alone (the completion, sent after it, is not coming either)
        await().until(() -> count("flag-log", "delivered") == 1);
        JsonObject received = new JsonObject(stub.received("/log").get(0).body());
        assertThat(received.getString("event")).isEqualTo("flag-log");
        assertThat(received.getString("summary")).isEqualTo(entry.title());
        assertThat(received.getJsonObject("flagLog").getJsonArray("cellsChanged").getList())
                .containsExactly("eu-1: off → 25% of actors");
        assertThat(stub.received("/log")).hasSize(1);
    }

    @Test
    void theSecretHeaderIsSentButNeverLogged() {
        // Given two sinks authenticating with a header from the environment, the second refusing and echoing it
        stub.answer("/echo", 401);
        stub.echoAuthorization("/echo");
        try (LogCapture logs = LogCapture.startWithAllOf("dev.ripple.notify")) {
            notifier(sink("secured", "/secured", "slack"), sink("echo", "/echo", "json"), Map.of(
                    "ripple.notify.sinks.secured.header-name", "Authorization",
                    "ripple.notify.sinks.secured.header-value-env", "RIPPLE_TEST_NOTIFY_TOKEN",
                    "ripple.notify.sinks.echo.header-name", "Authorization",
                    "ripple.notify.sinks.echo.header-value-env", "RIPPLE_TEST_NOTIFY_TOKEN",
                    "RIPPLE_TEST_NOTIFY_TOKEN", SECRET));
            // When a halt is published
            notifier.publish(HALTED);
            // Then both sinks received the header, and no log line, DEBUG included, shows it
            await().until(() -> count("secured", "delivered") == 1 && count("echo", "failed") == 1);
            assertThat(stub.received("/secured").get(0).header("Authorization")).isEqualTo(SECRET);
            assertThat(stub.received("/echo").get(0).header("Authorization")).isEqualTo(SECRET);
            assertThat(logs.lines()).anyMatch(l -> l.contains("HTTP 401 (denied for ***)"));
            assertThat(logs.lines()).anyMatch(l -> l.contains("RIPPLE_TEST_NOTIFY_TOKEN"));
            assertThat(logs.lines()).noneMatch(l -> l.contains("n0tify-s3cret-value"));
        }
    }

    @Test
    void aMissingSecretFailsDeliveryWithoutSendingAndSaysWhichVariable() {
        // Given a sink whose header variable is not set
        try (LogCapture logs = LogCapture.start()) {
            notifier(sink("secured", "/secured", "json"), Map.of(
                    "ripple.notify.sinks.secured.header-name", "Authorization",
                    "ripple.notify.sinks.secured.header-value-env", "RIPPLE_TEST_NOTIFY_UNSET"));
            // When a halt is published
            notifier.publish(HALTED);
            // Then nothing is sent, and the warnings name the variable
            await().until(() -> count("secured", "failed") == 1);
            assertThat(stub.received("/secured")).isEmpty();
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARN") && l.contains("RIPPLE_TEST_NOTIFY_UNSET"))
                    .hasSize(2);
        }
    }

    @Test
    void withoutSinksPublishOnlyLogs() {
        try (LogCapture logs = LogCapture.startWithAllOf("dev.ripple.notify")) {
            // Given no sinks
            notifier(Map.of());
            // When a halt is published
            notifier.publish(HALTED);
            // Then it is logged at DEBUG and nothing else happens
            assertThat(logs.lines()).anyMatch(l -> l.startsWith("DEBUG") && l.contains("no sinks configured"));
            assertThat(registry.find("ripple.notify.deliveries").counters()).isEmpty();
        }
    }

    @Test
    void shutdownWaitsForQueuedNotifications() {
        // Given a healthy sink with notifications queued
        notifier(sink("chat", "/chat", "slack"));
        IntStream.range(0, 20).forEach(i -> notifier.publish(started(i)));
        // When the application stops
        notifier.stop(Duration.ofSeconds(30));
        // Then everything went out before stop returned
        assertThat(stub.received("/chat")).hasSize(20);
        assertThat(count("chat", "delivered")).isEqualTo(20);
    }

    @Test
    void shutdownGivesUpOnAHangingSinkAfterTheGracePeriod() {
        // Given a sink that never answers, one notification in flight and two waiting
        stub.hang("/stuck");
        notifier(sink("stuck", "/stuck", "json"), Map.of("ripple.notify.timeout", "30s"));
        IntStream.range(0, 3).forEach(i -> notifier.publish(started(i)));
        await().until(() -> stub.received("/stuck").size() == 1);
        // When the application stops with a short grace
        notifier.stop(Duration.ofMillis(100));
        // Then the waiting two are dropped at once, the one in flight when its request is cut, and later ones too
        assertThat(count("stuck", "dropped")).isGreaterThanOrEqualTo(2);
        notifier.publish(started(3));
        await().until(() -> count("stuck", "dropped") == 4);
        assertThat(count("stuck", "failed")).isZero();
    }

    @Test
    void aBadConfigurationIsRefusedWithEveryProblemAndWithoutTheUrl() {
        // Given a sink with an ftp URL and a misspelt event, and one with a header name but no value
        Map<String, String> config = Map.of(
                "ripple.notify.sinks.a.url", "ftp://example.org/T000/B000/secret-path",
                "ripple.notify.sinks.a.events", "halted,halt",
                "ripple.notify.sinks.b.url", "https://example.org/hook",
                "ripple.notify.sinks.b.header-name", "X-Token",
                "ripple.notify.max-attempts", "0");
        // When the notifier is built, Then it refuses, naming each problem and never the URL
        assertThatThrownBy(() -> notifier(config))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("max-attempts must be at least 1")
                .hasMessageContaining("sinks.\"a\".url must be an absolute http or https URL")
                .hasMessageContaining("sinks.\"a\".events: unknown event 'halt'; known: started, ring-done")
                .hasMessageContaining("sinks.\"b\".header-name and header-value-env go together")
                .hasMessageNotContaining("secret-path");
    }

    @SafeVarargs
    private void notifier(Map<String, String>... parts) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "ripple.notify.timeout", "2s",
                "ripple.notify.initial-backoff", "10ms",
                "ripple.notify.max-backoff", "40ms"));
        for (Map<String, String> part : parts) {
            properties.putAll(part);
        }
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(NotifyConfig.class)
                // Quarkus' reading of "500ms" and "30s"; plain SmallRye Config reads only ISO-8601 durations.
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
        notifier = new WebhookNotifier(config.getConfigMapping(NotifyConfig.class),
                name -> config.getOptionalValue(name, String.class), vertx, registry);
    }

    private Map<String, String> sink(String name, String path, String format) {
        return Map.of("ripple.notify.sinks." + name + ".url", stub.url(path),
                "ripple.notify.sinks." + name + ".format", format);
    }

    private double count(String sink, String outcome) {
        return registry.get("ripple.notify.deliveries").tags("sink", sink, "outcome", outcome).counter().count();
    }

    private double queueSize(String sink) {
        return registry.get("ripple.notify.queue.size").tags("sink", sink).gauge().value();
    }

    private static RolloutNotification started(int rollout) {
        return of(Event.STARTED, Integer.toString(rollout));
    }

    private static RolloutNotification of(Event event, String rolloutId) {
        return new RolloutNotification(event, rolloutId, "new_search_ui", "25% of actors", 2, "auto", "alice", 1,
                "", Instant.parse("2026-11-21T10:15:30Z"), List.of());
    }
}
