package dev.ripple.rollout;

import dev.ripple.flags.Gates;
import dev.ripple.health.prometheus.PrometheusMetricsSource;
import dev.ripple.sandbox.SandboxFleet;
import dev.ripple.testing.StubHttpServer;
import dev.ripple.testing.Tokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusMock;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A test on {@link SickWorldProfile}: a fresh sandbox fleet, a healthy Prometheus stub installed as Ripple's metrics
 * source (a test swaps in a sick one), and no rollout left active afterwards. Every rollout sets 75% of actors on
 * {@link SickWorldProfile#FLAG}, seeded on in ring 0, at 50% in ring 1 and off in ring 2.
 */
abstract class OnASickWorld {
    static final Gates HALF = Gates.OFF.withPercentageOfActors(new BigDecimal(50));
    static final Gates THREE_QUARTERS = Gates.OFF.withPercentageOfActors(new BigDecimal(75));
    static final String HEALTHY = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
            + "[{\"metric\":{},\"value\":[1700000000,\"0\"]}]}}";

    @Inject
    SandboxFleet fleet;
    @Inject
    MeterRegistry registry;
    @ConfigProperty(name = "ripple.health.prometheus.timeout")
    Duration prometheusTimeout;

    private final List<StubHttpServer> prometheuses = new ArrayList<>();
    private final List<PrometheusMetricsSource> sources = new ArrayList<>();

    @BeforeEach
    void freshFleetAndHealthyPrometheus() {
        fleet.reset();
        prometheus(StubHttpServer.start().answer(StubHttpServer.Answer.json(HEALTHY)));
    }

    @AfterEach
    void endWhatIsLeft() {
        List<Integer> active = Tokens.as(Tokens.SRE).get("/api/v1/rollouts?limit=500").then().extract().path(
                "items.findAll { !['completed','completed-with-failures','rolled-back','aborted']"
                        + ".contains(it.state) }.id");
        active.forEach(id -> Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body(Map.of("by", "cleanup"))
                .post("/api/v1/rollouts/" + id + "/abort"));
        sources.forEach(PrometheusMetricsSource::close);
        prometheuses.forEach(StubHttpServer::close);
    }

    /** Ripple's health queries go to {@code stub} from now on. */
    StubHttpServer prometheus(StubHttpServer stub) {
        return prometheus(stub, prometheusTimeout);
    }

    /** Ripple's health queries go to {@code stub} from now on, each given {@code timeout} to answer. */
    StubHttpServer prometheus(StubHttpServer stub, Duration timeout) {
        prometheuses.add(stub);
        return prometheusAt(stub.url(), stub, timeout);
    }

    /** Ripple's health queries go to {@code url} from now on. */
    <T> T prometheusAt(String url, T handle) {
        return prometheusAt(url, handle, prometheusTimeout);
    }

    private <T> T prometheusAt(String url, T handle, Duration timeout) {
        PrometheusMetricsSource source = PrometheusMetricsSource.at(url, timeout, registry);
        sources.add(source);
        QuarkusMock.installMockForType(source, PrometheusMetricsSource.class);
        return handle;
    }

    static int start(String mode, int upToRing) {
        Map<String, Object> body = new HashMap<>();
        body.put("flag", SickWorldProfile.FLAG);
        body.put("change", Map.of("type", "percentage-of-actors", "percentage", 75));
        body.put("upToRing", upToRing);
        body.put("mode", mode);
        body.put("requestedBy", "alice");
        body.put("reason", "sick world");
        return Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body(body).post("/api/v1/rollouts")
                .then().statusCode(201).extract().path("id");
    }

    static JsonPath rollout(int id) {
        return Tokens.as(Tokens.SRE).get("/api/v1/rollouts/" + id).then().statusCode(200).extract().jsonPath();
    }

    static JsonPath awaitState(int id, String state, Duration within) {
        await().atMost(within).until(() -> rollout(id).getString("state").equals(state));
        return rollout(id);
    }

    Optional<Gates> gates(String cell) {
        return fleet.cell(cell).orElseThrow().flag(SickWorldProfile.FLAG);
    }

    /** The sandbox's call log over HTTP: every admin-API call one cell received since the fleet was reset. */
    static List<Map<String, Object>> callsTo(String cell) {
        return RestAssured.get("/sandbox/calls?after=0").then().statusCode(200).extract().jsonPath()
                .getList("calls.findAll { it.cell == '" + cell + "' }");
    }

    static void faults(String cell, String json) {
        RestAssured.given().contentType(ContentType.JSON).body(json).put("/sandbox/cells/" + cell + "/faults")
                .then().statusCode(200);
    }

    /**
     * Nothing is reported as applied that was not: a cell the rollout calls {@code applied} holds the change in the
     * sandbox, a cell that does not hold it is not {@code applied}, and whatever {@code after} the rollout reports for
     * a cell is what the cell holds.
     */
    void assertEveryReportAboutACellIsTrue(int id) {
        JsonPath view = rollout(id);
        List<Map<String, Object>> cells = view.getList("rings.cells.flatten()");
        assertThat(cells).isNotEmpty();
        for (Map<String, Object> c : cells) {
            String cell = (String) c.get("cell");
            Optional<Gates> holds = gates(cell);
            boolean holdsChange = holds.equals(Optional.of(THREE_QUARTERS));
            if ("applied".equals(c.get("status"))) {
                assertThat(holdsChange).as(cell + " is reported applied, and holds " + holds).isTrue();
            }
            if (!holdsChange) {
                assertThat(c.get("status")).as(cell + " holds " + holds).isNotEqualTo("applied");
            }
            if (c.get("after") != null) {
                assertThat(c.get("after")).as(cell + "'s reported after").isEqualTo(Gates.describe(holds));
            }
        }
    }
}
