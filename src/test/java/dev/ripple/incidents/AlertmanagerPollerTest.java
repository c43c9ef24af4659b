package dev.ripple.incidents;

import dev.ripple.testing.MutableClock;
import dev.ripple.testing.StubHttpServer;
import dev.ripple.testing.StubHttpServer.Answer;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import dev.ripple.testing.Tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * Alertmanager's active alerts become incidents on the rings they name, against a stub Alertmanager; when it cannot
 * be read, every ring is blocked until it answers again.
 */
@QuarkusTest
class AlertmanagerPollerTest {
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final String ALERTS = """
            [
              {"fingerprint":"a1b2c3","startsAt":"2026-03-02T09:58:00.123+01:00","generatorURL":"http://prometheus/graph?g0.expr=x",
               "labels":{"alertname":"HighErrorRatio","ring":"2","severity":"critical"},
               "annotations":{"summary":"5xx above 5% on ring 2"},"status":{"state":"active"}},
              {"fingerprint":"d4e5f6","startsAt":"2026-03-02T09:59:00Z","generatorURL":"",
               "labels":{"alertname":"LatencyHigh","ring":" 1 "},"annotations":{},"status":{"state":"active"}},
              {"fingerprint":"000001","startsAt":"2026-03-02T09:59:00Z","labels":{"alertname":"NoRing"}},
              {"fingerprint":"000002","startsAt":"2026-03-02T09:59:00Z","labels":{"alertname":"Region","ring":"eu"}},
              {"fingerprint":"000003","startsAt":"2026-03-02T09:59:00Z","labels":{"alertname":"Half","ring":"2.5"}},
              {"fingerprint":"000004","startsAt":"2026-03-02T09:59:00Z","labels":{"alertname":"Hushed","ring":"2"},
               "status":{"state":"suppressed"}}
            ]""";

    @Inject
    MeterRegistry registry;

    private final StubHttpServer alertmanager = StubHttpServer.start();
    private final MutableClock clock = new MutableClock(T0);
    private final List<AlertmanagerPoller> pollers = new ArrayList<>();

    @AfterEach
    void stop() {
        pollers.forEach(AlertmanagerPoller::close);
        alertmanager.close();
    }

    @Test
    void turnsAlertsThatNameARingIntoIncidents() {
        // Given
        alertmanager.answer(Answer.json(ALERTS));
        AlertmanagerPoller poller = poller(alertmanager.url(), List.of(), "ring", true);

        // When
        poll(poller);

        // Then
        assertThat(poller.activeOn(2)).containsExactly(new ActiveIncident("am-a1b2c3", 2, "critical",
                "5xx above 5% on ring 2", "http://prometheus/graph?g0.expr=x", "alertmanager",
                Instant.parse("2026-03-02T08:58:00.123Z")));
        assertThat(poller.activeOn(1)).containsExactly(new ActiveIncident("am-d4e5f6", 1, null, "LatencyHigh", null,
                "alertmanager", Instant.parse("2026-03-02T09:59:00Z")));
        assertThat(poller.alerts()).extracting(ActiveIncident::id).containsExactly("am-a1b2c3", "am-d4e5f6");
    }

    @Test
    void asksForActiveUnsilencedUninhibitedAlertsMatchingTheConfiguredMatchers() {
        // Given
        alertmanager.answer(Answer.json("[]"));
        List<String> matchers = List.of("severity=~\"critical|page\"", "team=\"sre+ops\"");
        AlertmanagerPoller poller = poller(alertmanager.url() + "/", matchers, "ring", true);

        // When
        poll(poller);

        // Then
        StubHttpServer.Request asked = alertmanager.lastRequest();
        assertThat(asked.method()).isEqualTo("GET");
        assertThat(asked.path()).isEqualTo("/api/v2/alerts");
        assertThat(asked.param("active")).isEqualTo("true");
        assertThat(asked.param("silenced")).isEqualTo("false");
        assertThat(asked.param("inhibited")).isEqualTo("false");
        assertThat(asked.params("filter")).isEqualTo(matchers);
    }

    @Test
    void readsTheRingFromTheConfiguredLabel() {
        // Given
        alertmanager.answer(Answer.json("""
                [{"fingerprint":"f1","startsAt":"2026-03-02T09:00:00Z",
                  "labels":{"alertname":"A","ring":"1","ripple_ring":"3"}}]"""));
        AlertmanagerPoller poller = poller(alertmanager.url(), List.of(), "ripple_ring", true);

        // When
        poll(poller);

        // Then
        assertThat(poller.activeOn(3)).extracting(ActiveIncident::id).containsExactly("am-f1");
        assertThat(poller.activeOn(1)).isEmpty();
    }

    @Test
    void anAlertmanagerNeverReadBlocksEveryRing() {
        // Given
        AlertmanagerPoller poller = poller(StubHttpServer.refusingUrl(), List.of(), "ring", true);

        // When
        poll(poller);

        // Then
        for (int ring : new int[]{-1, 0, 3}) {
            assertThat(poller.activeOn(ring)).singleElement().satisfies(blocked -> {
                assertThat(blocked.id()).isEqualTo("alertmanager-unreachable");
                assertThat(blocked.source()).isEqualTo("ripple");
                assertThat(blocked.ring()).isEqualTo(ring);
                assertThat(blocked.title()).contains("has not been read yet").contains("unreachable")
                        .contains("Connection refused");
                assertThat(blocked.since()).isEqualTo(T0);
            });
        }
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "503 | overloaded            | HTTP 503: overloaded",
            "200 | [{\"fingerprint\":      | unreadable answer: the answer is not JSON",
            "200 | {\"alerts\":[]}          | unreadable answer: the answer is not a list of alerts",
    })
    void anAnswerThatIsNotAlertsBlocksEveryRingSayingWhy(int status, String body, String reason) {
        // Given
        alertmanager.answer(Answer.json(status, body));
        AlertmanagerPoller poller = poller(alertmanager.url(), List.of(), "ring", true);

        // When
        poll(poller);

        // Then
        assertThat(poller.activeOn(1)).singleElement().extracting(ActiveIncident::title).asString()
                .contains(reason);
    }

    @Test
    void anAnswerClearsTheBlock() {
        // Given a first poll that failed
        alertmanager.answer(Answer.status(500));
        AlertmanagerPoller poller = poller(alertmanager.url(), List.of(), "ring", true);
        poll(poller);
        alertmanager.answer(Answer.json("[]"));

        // When
        poll(poller);

        // Then
        assertThat(poller.activeOn(1)).isEmpty();
    }

    @Test
    void theLastAnswerServesUntilItIsStale() {
        // Given
        AlertmanagerPoller poller = answeredThenFailing(Duration.ofSeconds(60));

        // When
        List<ActiveIncident> active = poller.activeOn(2);

        // Then
        assertThat(active).extracting(ActiveIncident::id).containsExactly("am-a1b2c3");
    }

    @Test
    void aStaleAnswerBlocksEveryRingSayingSinceWhen() {
        // Given
        AlertmanagerPoller poller = answeredThenFailing(Duration.ofSeconds(61));

        // When
        List<ActiveIncident> active = poller.activeOn(2);

        // Then the last known alert stays, and the block says since when nothing is known
        assertThat(active).extracting(ActiveIncident::id).containsExactly("am-a1b2c3", "alertmanager-unreachable");
        assertThat(active.get(1).title()).contains("has not been read since " + T0).contains("HTTP 502");
        assertThat(active.get(1).since()).isEqualTo(T0.plusSeconds(30));
    }

    @Test
    void withFailClosedOffAnUnreadableAlertmanagerBlocksNothing() {
        // Given
        AlertmanagerPoller poller = poller(StubHttpServer.refusingUrl(), List.of(), "ring", false);

        // When
        poll(poller);

        // Then
        assertThat(poller.activeOn(1)).isEmpty();
    }

    @Test
    void withoutAUrlNothingIsPolledAndNothingBlocks() {
        // Given
        AlertmanagerPoller poller = poller(null, List.of(), "ring", true);

        // When
        poll(poller);

        // Then
        assertThat(poller.configured()).isFalse();
        assertThat(poller.activeOn(1)).isEmpty();
    }

    @Test
    void aUrlThatCannotBeCalledBlocksEveryRing() {
        // Given
        AlertmanagerPoller poller = poller("alertmanager:9093", List.of(), "ring", true);

        // When
        poll(poller);

        // Then
        assertThat(poller.activeOn(0)).singleElement().extracting(ActiveIncident::title).asString()
                .contains("ripple.incidents.alertmanager.url is not an http(s) URL");
    }

    @Test
    void logsOnceWhenPollingStartsFailingAndOnceWhenItRecovers() {
        // Given
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler capture = capture(logged);
        Logger logger = Logger.getLogger(AlertmanagerPoller.class.getName());
        logger.addHandler(capture);
        AlertmanagerPoller poller = poller(alertmanager.url(), List.of(), "ring", true);
        try {
            // When three polls fail and two succeed
            alertmanager.answer(Answer.status(500));
            poll(poller);
            poll(poller);
            poll(poller);
            alertmanager.answer(Answer.json("[]"));
            poll(poller);
            poll(poller);
        } finally {
            logger.removeHandler(capture);
        }

        // Then
        assertThat(logged).extracting(LogRecord::getLevel).containsExactly(Level.WARNING, Level.INFO);
    }

    @Test
    void alertsShowInTheApiAndBlockTheirRing() {
        // Given
        QuarkusMock.installMockForType(pollerThatRead(ALERTS), AlertmanagerPoller.class);

        // When
        ValidatableResponse list = Tokens.as(Tokens.SRE).get("/api/v1/incidents").then();

        // Then
        list.statusCode(200).body("incidents.id", hasItem("am-a1b2c3"))
                .body("incidents.find { it.id == 'am-a1b2c3' }.source", equalTo("alertmanager"))
                .body("incidents.find { it.id == 'am-a1b2c3' }.ring", equalTo(2))
                .body("incidents.find { it.id == 'am-a1b2c3' }.active", equalTo(true));
        Tokens.as(Tokens.SRE).get("/api/v1/incidents/am-a1b2c3").then().statusCode(200).body("title",
                equalTo("5xx above 5% on ring 2"));
    }

    @Test
    void alertsCloseInAlertmanagerNotThroughTheApi() {
        // Given
        QuarkusMock.installMockForType(pollerThatRead(ALERTS), AlertmanagerPoller.class);

        // When
        ValidatableResponse refused = Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body("{\"closedBy\":\"bob\"}")
                .post("/api/v1/incidents/am-a1b2c3/close").then();

        // Then
        refused.statusCode(409).contentType("application/problem+json")
                .body("code", equalTo("incident-not-closable"));
    }

    @Test
    void anUnreadableAlertmanagerBlocksEveryRingThroughTheIncidentView() {
        // Given
        AlertmanagerPoller poller = poller(StubHttpServer.refusingUrl(), List.of(), "ring", true);
        poll(poller);
        QuarkusMock.installMockForType(poller, AlertmanagerPoller.class);

        // When
        ValidatableResponse list = Tokens.as(Tokens.SRE).get("/api/v1/incidents").then();

        // Then one per ring of the shipped topology
        list.statusCode(200).body("incidents.findAll { it.id == 'alertmanager-unreachable' }.ring",
                equalTo(List.of(-1, 0, 1, 2, 3)));
    }

    private AlertmanagerPoller poller(String url, List<String> matchers, String ringLabel, boolean failClosed) {
        AlertmanagerPoller poller = new AlertmanagerPoller(new AlertmanagerPoller.Settings(url, Duration.ofSeconds(2),
                matchers, ringLabel, Duration.ofMinutes(1), failClosed), clock, registry);
        pollers.add(poller);
        return poller;
    }

    private AlertmanagerPoller pollerThatRead(String alerts) {
        alertmanager.answer(Answer.json(alerts));
        AlertmanagerPoller poller = poller(alertmanager.url(), List.of(), "ring", true);
        poll(poller);
        return poller;
    }

    /** Alertmanager answered with {@link #ALERTS} at T0 and failed 30 s later; the clock is {@code later} past T0. */
    private AlertmanagerPoller answeredThenFailing(Duration later) {
        AlertmanagerPoller poller = pollerThatRead(ALERTS);
        alertmanager.answer(Answer.status(502));
        clock.advance(Duration.ofSeconds(30));
        poll(poller);
        clock.advance(later.minusSeconds(30));
        return poller;
    }

    private static void poll(AlertmanagerPoller poller) {
        poller.poll().await().atMost(Duration.ofSeconds(10));
    }

    private static Handler capture(List<LogRecord> into) {
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.INFO.intValue()) {
                    into.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        handler.setLevel(Level.ALL);
        return handler;
    }
}
