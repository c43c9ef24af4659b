package dev.ripple.sandbox;

import dev.ripple.testing.MutableClock;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The sandbox over real HTTP, on a plain Vert.x server, as the {@code gitlab} adapter will call it. */
class SandboxRoutesTest {
    private static final String TOKEN = "test-admin-token";
    private static final String FLAG_25_ACTORS = "{\"name\":\"new_search_ui\",\"state\":\"conditional\",\"gates\":["
            + "{\"key\":\"boolean\",\"value\":false},{\"key\":\"percentage_of_actors\",\"value\":25}],\"definition\":null}";

    private static Vertx vertx;
    private static HttpServer server;
    private static MutableClock clock;
    private static SandboxFleet fleet;

    @BeforeAll
    static void startServer() throws Exception {
        vertx = Vertx.vertx();
        clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        fleet = new SandboxFleet(clock, new Random(42));
        Router router = Router.router(vertx);
        SandboxRoutes.mount(router, fleet, vertx, TOKEN);
        server = vertx.createHttpServer().requestHandler(router).listen(0)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopServer() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void freshFleet() {
        fleet.reset();
        fleet.create("c1");
    }

    private static RequestSpecification sandbox() {
        return given().port(server.actualPort());
    }

    /** A client whose base URL is the cell's, exactly as it would be for a real GitLab. */
    private static RequestSpecification admin(String cell) {
        return sandbox().basePath("/sandbox/cells/" + cell).header("PRIVATE-TOKEN", TOKEN);
    }

    @Test
    void noTokenIs401() {
        sandbox().get("/sandbox/cells/c1/api/v4/features")
                .then().statusCode(401).body(org.hamcrest.Matchers.equalTo("{\"message\":\"401 Unauthorized\"}"));
    }

    @Test
    void wrongTokenIs403() {
        sandbox().header("PRIVATE-TOKEN", "not-the-token").get("/sandbox/cells/c1/api/v4/features")
                .then().statusCode(403).body(org.hamcrest.Matchers.equalTo("{\"message\":\"403 Forbidden\"}"));
    }

    @Test
    void bearerTokenIsAccepted() {
        sandbox().header("Authorization", "Bearer " + TOKEN).get("/sandbox/cells/c1/api/v4/features")
                .then().statusCode(200).body(org.hamcrest.Matchers.equalTo("[]"));
    }

    @Test
    void formPostAnswers201WithTheFlag() {
        // When
        String body = admin("c1").formParam("value", "25").formParam("key", "percentage_of_actors")
                .post("/api/v4/features/new_search_ui")
                .then().statusCode(201).contentType(ContentType.JSON).extract().asString();

        // Then
        assertThat(body).isEqualTo(FLAG_25_ACTORS);
    }

    @Test
    void jsonPostAnswers201WithTheFlag() {
        // When
        String body = admin("c1").contentType(ContentType.JSON).body("{\"value\":25,\"key\":\"percentage_of_actors\"}")
                .post("/api/v4/features/new_search_ui")
                .then().statusCode(201).extract().asString();

        // Then
        assertThat(body).isEqualTo(FLAG_25_ACTORS);
    }

    @Test
    void jsonPostWithActors() {
        // When
        String body = admin("c1").contentType(ContentType.JSON).body("{\"value\":true,\"user\":\"alice,bob\"}")
                .post("/api/v4/features/new_search_ui")
                .then().statusCode(201).extract().asString();

        // Then
        assertThat(body).contains("{\"key\":\"actors\",\"value\":[\"User:alice\",\"User:bob\"]}");
    }

    @Test
    void refusalUsesGitlabsBody() {
        // Given
        fleet.cell("c1").orElseThrow().putFlag("f", dev.ripple.flags.Gates.OFF.withEnabled(true));

        // When / Then
        admin("c1").formParam("value", "25").post("/api/v4/features/f")
                .then().statusCode(400).body(org.hamcrest.Matchers.equalTo(
                        "{\"message\":\"400 Bad request - Cannot enable percentage of time for a fully-enabled flag\"}"));
    }

    @Test
    void missingValueIsAParameterError() {
        admin("c1").formParam("key", "percentage_of_actors").post("/api/v4/features/f")
                .then().statusCode(400).body(org.hamcrest.Matchers.equalTo("{\"error\":\"value is missing\"}"));
    }

    @Test
    void aFlagSetToFalseStaysListed() {
        // Given
        admin("c1").formParam("value", "true").post("/api/v4/features/f").then().statusCode(201);
        admin("c1").formParam("value", "false").post("/api/v4/features/f").then().statusCode(201);

        // When
        String list = admin("c1").get("/api/v4/features").then().statusCode(200).extract().asString();

        // Then
        assertThat(list).isEqualTo("[{\"name\":\"f\",\"state\":\"off\",\"gates\":[{\"key\":\"boolean\",\"value\":false}],"
                + "\"definition\":null}]");
    }

    @Test
    void aListShowsEveryChangeSinceTheLastOne() {
        // Given two flags, listed once
        admin("c1").formParam("value", "true").post("/api/v4/features/a").then().statusCode(201);
        admin("c1").formParam("value", "25").formParam("key", "percentage_of_actors")
                .post("/api/v4/features/new_search_ui").then().statusCode(201);
        admin("c1").get("/api/v4/features").then().statusCode(200);

        // When one changes, one is set directly, one is added and one deleted
        admin("c1").formParam("value", "false").post("/api/v4/features/a").then().statusCode(201);
        fleet.cell("c1").orElseThrow().putFlag("new_search_ui", dev.ripple.flags.Gates.ON);
        fleet.cell("c1").orElseThrow().deleteFlag("new_search_ui");
        admin("c1").formParam("value", "25").formParam("key", "percentage_of_actors")
                .post("/api/v4/features/new_search_ui").then().statusCode(201);
        admin("c1").formParam("value", "true").post("/api/v4/features/z").then().statusCode(201);
        admin("c1").delete("/api/v4/features/z").then().statusCode(204);

        // Then the list is what the cell holds now, in order
        admin("c1").get("/api/v4/features").then().statusCode(200).body(org.hamcrest.Matchers.equalTo(
                "[{\"name\":\"a\",\"state\":\"off\",\"gates\":[{\"key\":\"boolean\",\"value\":false}],"
                        + "\"definition\":null}," + FLAG_25_ACTORS + "]"));
    }

    @Test
    void aListRightAfterEachChangeShowsIt() {
        // Given a flag, listed twice (the second list is the remembered answer)
        admin("c1").formParam("value", "true").post("/api/v4/features/a").then().statusCode(201);
        String on = "[{\"name\":\"a\",\"state\":\"on\",\"gates\":[{\"key\":\"boolean\",\"value\":true}],"
                + "\"definition\":null}]";
        admin("c1").get("/api/v4/features").then().statusCode(200).body(org.hamcrest.Matchers.equalTo(on));
        admin("c1").get("/api/v4/features").then().statusCode(200).body(org.hamcrest.Matchers.equalTo(on));

        // When / Then: each kind of change is in the very next list
        admin("c1").formParam("value", "false").post("/api/v4/features/a").then().statusCode(201);
        admin("c1").get("/api/v4/features").then().statusCode(200).body(org.hamcrest.Matchers.equalTo(
                on.replace("\"on\"", "\"off\"").replace("true", "false")));
        fleet.cell("c1").orElseThrow().putFlag("a", dev.ripple.flags.Gates.ON);
        admin("c1").get("/api/v4/features").then().statusCode(200).body(org.hamcrest.Matchers.equalTo(on));
        admin("c1").delete("/api/v4/features/a").then().statusCode(204);
        admin("c1").get("/api/v4/features").then().statusCode(200).body(org.hamcrest.Matchers.equalTo("[]"));
        fleet.cell("c1").orElseThrow().putFlag("a", dev.ripple.flags.Gates.ON);
        admin("c1").get("/api/v4/features").then().statusCode(200).body(org.hamcrest.Matchers.equalTo(on));
        fleet.cell("c1").orElseThrow().clearFlags();
        admin("c1").get("/api/v4/features").then().statusCode(200).body(org.hamcrest.Matchers.equalTo("[]"));
    }

    @Test
    void deleteIs204EvenTwice() {
        // Given
        admin("c1").formParam("value", "true").post("/api/v4/features/f").then().statusCode(201);

        // When / Then
        admin("c1").delete("/api/v4/features/f").then().statusCode(204);
        admin("c1").delete("/api/v4/features/f").then().statusCode(204);
        admin("c1").get("/api/v4/features").then().statusCode(200).body(org.hamcrest.Matchers.equalTo("[]"));
    }

    @Test
    void definitionsAreEmptyWithoutATopology() {
        admin("c1").get("/api/v4/features/definitions").then().statusCode(200).body(org.hamcrest.Matchers.equalTo("[]"));
    }

    @Test
    void unknownCellIs404() {
        admin("nowhere").get("/api/v4/features")
                .then().statusCode(404).body(org.hamcrest.Matchers.equalTo("{\"message\":\"404 Not Found\"}"));
    }

    @Test
    void latencyDelaysTheAnswer() {
        // Given
        sandbox().contentType(ContentType.JSON).body("{\"latencyMs\":300}").put("/sandbox/cells/c1/faults")
                .then().statusCode(200);

        // When
        long started = System.nanoTime();
        admin("c1").get("/api/v4/features").then().statusCode(200);
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        // Then
        assertThat(tookMs).isGreaterThanOrEqualTo(300);
    }

    @Test
    void errorRateOneAnswers500() {
        // Given
        sandbox().contentType(ContentType.JSON).body("{\"errorRate\":1.0}").put("/sandbox/cells/c1/faults")
                .then().statusCode(200);

        // When / Then
        admin("c1").formParam("value", "true").post("/api/v4/features/f")
                .then().statusCode(500).body(org.hamcrest.Matchers.equalTo("{\"message\":\"500 Internal Server Error\"}"));
        assertThat(fleet.cell("c1").orElseThrow().flag("f")).isEmpty();
    }

    @Test
    void rateLimitRateOneAnswers429WithRetryAfter() {
        // Given
        sandbox().contentType(ContentType.JSON).body("{\"rateLimitRate\":1}").put("/sandbox/cells/c1/faults")
                .then().statusCode(200);

        // When / Then
        admin("c1").get("/api/v4/features").then().statusCode(429).header("Retry-After", "1");
    }

    @Test
    void aCellThatIsDownClosesTheConnection() {
        // Given
        sandbox().contentType(ContentType.JSON).body("{\"down\":true}").put("/sandbox/cells/c1/faults")
                .then().statusCode(200);

        // When / Then
        assertThatThrownBy(() -> admin("c1").get("/api/v4/features")).isInstanceOf(IOException.class);
    }

    @Test
    void aFlappingCellAnswersAndDropsCallsByCount() {
        // Given a cell that answers two calls, then drops three
        sandbox().contentType(ContentType.JSON).body("{\"flapUp\":2,\"flapDown\":3}").put("/sandbox/cells/c1/faults")
                .then().statusCode(200).body("flapUp", org.hamcrest.Matchers.equalTo(2))
                .body("flapDown", org.hamcrest.Matchers.equalTo(3));

        // When it is called seven times (POSTs: the HTTP client repeats an unanswered GET on its own)
        List<Boolean> answered = IntStream.range(0, 7).mapToObj(i -> {
            try {
                admin("c1").formParam("value", "true").post("/api/v4/features/f" + i).then().statusCode(201);
                return true;
            } catch (Exception e) { // RestAssured throws the connection's IOException unchecked
                assertThat(e).isInstanceOf(IOException.class);
                return false;
            }
        }).toList();

        // Then the pattern repeats; a dropped call changed nothing and is in the call log unanswered
        assertThat(answered).containsExactly(true, true, false, false, false, true, true);
        assertThat(fleet.calls().after(0, 100)).extracting(SandboxCalls.Call::status)
                .containsExactly(201, 201, 0, 0, 0, 201, 201);
        assertThat(fleet.cell("c1").orElseThrow().flags()).containsOnlyKeys("f0", "f1", "f5", "f6");
    }

    @Test
    void halfAFlapIsRefused() {
        sandbox().contentType(ContentType.JSON).body("{\"flapUp\":2}").put("/sandbox/cells/c1/faults")
                .then().statusCode(400).body("error", org.hamcrest.Matchers.containsString("go together"));
        sandbox().contentType(ContentType.JSON).body("{\"flapUp\":1.5,\"flapDown\":1}").put("/sandbox/cells/c1/faults")
                .then().statusCode(400).body("error", org.hamcrest.Matchers.containsString("whole number of calls"));
        assertThat(fleet.cell("c1").orElseThrow().faults()).isEqualTo(Faults.NONE);
    }

    @Test
    void resettingFaultsBringsTheCellBack() {
        // Given
        sandbox().contentType(ContentType.JSON).body("{\"down\":true,\"latencyMs\":10}").put("/sandbox/cells/c1/faults")
                .then().statusCode(200);

        // When
        sandbox().delete("/sandbox/cells/c1/faults").then().statusCode(204);

        // Then
        admin("c1").get("/api/v4/features").then().statusCode(200);
    }

    @Test
    void faultsOutOfRangeAreRefused() {
        sandbox().contentType(ContentType.JSON).body("{\"errorRate\":1.5}").put("/sandbox/cells/c1/faults")
                .then().statusCode(400).body("error", org.hamcrest.Matchers.containsString("errorRate"));
        sandbox().contentType(ContentType.JSON).body("{\"latency\":5}").put("/sandbox/cells/c1/faults")
                .then().statusCode(400).body("error", org.hamcrest.Matchers.containsString("unknown fault 'latency'"));
        assertThat(fleet.cell("c1").orElseThrow().faults()).isEqualTo(Faults.NONE);
    }

    @Test
    void partialFaultUpdatesKeepTheOtherKnobs() {
        // Given
        sandbox().contentType(ContentType.JSON).body("{\"latencyMs\":5}").put("/sandbox/cells/c1/faults")
                .then().statusCode(200);

        // When
        sandbox().contentType(ContentType.JSON).body("{\"errorRate\":0.25}").put("/sandbox/cells/c1/faults")
                .then().statusCode(200);

        // Then
        assertThat(fleet.cell("c1").orElseThrow().faults())
                .isEqualTo(Faults.NONE.withLatencyMs(5).withErrorRate(0.25));
    }

    @Test
    void fleetFaultsReachEveryCell() {
        // Given
        fleet.create("c2");

        // When
        sandbox().contentType(ContentType.JSON).body("{\"reportedErrorRatio\":0.5}").put("/sandbox/faults")
                .then().statusCode(200).body("cells", org.hamcrest.Matchers.equalTo(2));

        // Then
        assertThat(fleet.cells()).extracting(c -> c.faults().reportedErrorRatio()).containsOnly(0.5);
    }

    @Test
    void cellsAreCreatedAndListedThroughTheKnobs() {
        // When / Then
        sandbox().contentType(ContentType.JSON).body("{\"id\":\"x-1\"}").post("/sandbox/cells").then().statusCode(201);
        sandbox().contentType(ContentType.JSON).body("{\"id\":\"x-1\"}").post("/sandbox/cells").then().statusCode(200);
        sandbox().get("/sandbox/cells").then().statusCode(200)
                .body("id", org.hamcrest.Matchers.contains("c1", "x-1"))
                .body("[1].faults.down", org.hamcrest.Matchers.equalTo(false));
    }

    @Test
    void metricsCountAdminCallsByCodeWithAHistogram() {
        // Given
        admin("c1").formParam("value", "true").post("/api/v4/features/f").then().statusCode(201);
        sandbox().get("/sandbox/cells/c1/api/v4/features").then().statusCode(401);

        // When
        String text = sandbox().get("/sandbox/cells/c1/metrics")
                .then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/plain; version=0.0.4"))
                .extract().asString();

        // Then
        assertThat(text).contains(
                "# TYPE sandbox_admin_requests_total counter\n",
                "sandbox_admin_requests_total{cell=\"c1\",method=\"POST\",code=\"201\"} 1\n",
                "sandbox_admin_requests_total{cell=\"c1\",method=\"GET\",code=\"401\"} 1\n",
                "# TYPE sandbox_admin_request_duration_seconds histogram\n",
                "sandbox_admin_request_duration_seconds_bucket{cell=\"c1\",le=\"+Inf\"} 2\n",
                "sandbox_admin_request_duration_seconds_count{cell=\"c1\"} 2\n",
                "sandbox_admin_request_duration_seconds_sum{cell=\"c1\"} ",
                "sandbox_admin_request_duration_seconds_bucket{cell=\"c1\",le=\"0.005\"} ");
    }

    @Test
    void simulatedTrafficFollowsTheReportedErrorRatio() {
        // Given
        sandbox().contentType(ContentType.JSON).body("{\"reportedErrorRatio\":0.1}").put("/sandbox/cells/c1/faults")
                .then().statusCode(200);
        clock.advance(Duration.ofSeconds(10));

        // When
        String text = sandbox().get("/sandbox/cells/c1/metrics").then().statusCode(200).extract().asString();

        // Then
        assertThat(text).contains(
                "sandbox_app_requests_total{cell=\"c1\",code=\"200\"} 900\n",
                "sandbox_app_requests_total{cell=\"c1\",code=\"500\"} 100\n",
                "sandbox_app_error_ratio{cell=\"c1\"} 0.1\n");
    }

    @Test
    void fleetMetricsDescribeEachFamilyOnce() {
        // Given
        fleet.create("c2");

        // When
        String text = sandbox().get("/sandbox/metrics").then().statusCode(200).extract().asString();

        // Then
        assertThat(text.split("# TYPE sandbox_app_requests_total counter", -1)).hasSize(2);
        assertThat(text).contains("sandbox_app_error_ratio{cell=\"c1\"}", "sandbox_app_error_ratio{cell=\"c2\"}");
    }

    @Test
    void theCallLogSaysWhoWroteWhatAndHowItWasAnswered() {
        // Given
        long before = fleet.calls().lastSeq();

        // When
        admin("c1").header("X-Ripple-Instance", "123@host/abcd").formParam("value", "25")
                .formParam("key", "percentage_of_actors").post("/api/v4/features/new_search_ui").then().statusCode(201);
        admin("c1").header("X-Ripple-Instance", "123@host/abcd").get("/api/v4/features").then().statusCode(200);
        admin("c1").delete("/api/v4/features/new_search_ui").then().statusCode(204);

        // Then
        var calls = sandbox().queryParam("after", before).get("/sandbox/calls").then().statusCode(200).extract()
                .jsonPath();
        assertThat(calls.getList("calls.method")).containsExactly("POST", "GET", "DELETE");
        assertThat(calls.getList("calls.cell")).containsOnly("c1");
        assertThat(calls.getList("calls.flag")).containsExactly("new_search_ui", null, "new_search_ui");
        assertThat(calls.getList("calls.instance")).containsExactly("123@host/abcd", "123@host/abcd", null);
        assertThat(calls.getList("calls.status")).containsExactly(201, 200, 204);
        assertThat(calls.getMap("calls[0].params")).containsEntry("value", "25")
                .containsEntry("key", "percentage_of_actors");
        assertThat(calls.getLong("calls[0].receivedAtMillis")).isEqualTo(clock.instant().toEpochMilli());
        assertThat(calls.getLong("last")).isEqualTo(before + 3);
        assertThat(sandbox().queryParam("after", before + 3).get("/sandbox/calls").then().statusCode(200).extract()
                .jsonPath().getList("calls")).isEmpty();
    }

    @Test
    void aCallWhoseCallerLeftBeforeTheAnswerIsLoggedUnanswered() throws Exception {
        // Given a cell slow to answer, and a caller whose request has arrived
        sandbox().contentType(ContentType.JSON).body("{\"latencyMs\":60000}").put("/sandbox/cells/c1/faults")
                .then().statusCode(200);
        long before = fleet.calls().lastSeq();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.actualPort())) {
            String body = "value=true";
            socket.getOutputStream().write(("POST /sandbox/cells/c1/api/v4/features/f HTTP/1.1\r\nHost: sandbox\r\n"
                    + "PRIVATE-TOKEN: " + TOKEN + "\r\nX-Ripple-Instance: 7@host/dead\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> fleet.calls().inFlight() == 1);
        } // When the caller goes away (as a killed process does) before the answer

        // Then the call is logged as never answered, and it changed nothing
        await().atMost(Duration.ofSeconds(70)).untilAsserted(() -> assertThat(fleet.calls().after(before, 10))
                .singleElement().satisfies(call -> {
                    assertThat(call.method()).isEqualTo("POST");
                    assertThat(call.instance()).isEqualTo("7@host/dead");
                    assertThat(call.status()).isZero();
                }));
        assertThat(fleet.calls().inFlight()).isZero();
        assertThat(fleet.cell("c1").orElseThrow().flag("f")).isEmpty();
    }

    @Test
    void theCallLogKeepsTheNewestCalls() {
        SandboxCalls calls = new SandboxCalls(2);
        Instant at = Instant.parse("2025-01-01T00:00:00Z");
        for (int i = 0; i < 3; i++) {
            calls.record("c1", "GET", null, null, null, at, at, 200);
        }
        assertThat(calls.after(0, 10)).extracting(SandboxCalls.Call::seq).containsExactly(2L, 3L);
        assertThat(calls.after(2, 10)).extracting(SandboxCalls.Call::seq).containsExactly(3L);
        assertThat(calls.after(0, 1)).extracting(SandboxCalls.Call::seq).containsExactly(2L);
    }

    @Test
    void aThousandCellsEachAnswer() {
        // Given
        List<String> ids = IntStream.rangeClosed(1, 1000).mapToObj(i -> "c-" + i).toList();
        fleet.ensureCells(ids);

        // When / Then
        for (String id : ids) {
            admin(id).get("/api/v4/features").then().statusCode(200);
        }
        assertThat(ids).allSatisfy(id -> assertThat(fleet.cell(id).orElseThrow().adminRequests("GET", 200)).isEqualTo(1));
    }
}
