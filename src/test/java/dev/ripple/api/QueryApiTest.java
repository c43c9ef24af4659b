package dev.ripple.api;

import dev.ripple.flags.Gates;
import dev.ripple.sandbox.Faults;
import dev.ripple.sandbox.SandboxCell;
import dev.ripple.sandbox.SandboxFleet;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.ripple.testing.Tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/**
 * The query API over the shipped rings/ and the sandbox fleet, as a bot or a dashboard would use it. The sandbox
 * seeds every defined flag on in ring 0, at 50% of actors in ring 1, and off further out (nothing in quarantine).
 */
@QuarkusTest
class QueryApiTest {
    @Inject
    SandboxFleet fleet;

    @BeforeEach
    void freshFleetAndCache() {
        fleet.reset();
        refresh();
    }

    @Test
    void showsRingsInOrderWithEachCellReachable() {
        Tokens.as(Tokens.SRE).get("/api/v1/topology").then().statusCode(200)
                .header("ETag", containsString("W/"))
                .body("rings.id", equalTo(java.util.List.of(-1, 0, 1, 2, 3)))
                .body("rings[0].quarantine", equalTo(true))
                .body("rings[2].cells.id", equalTo(java.util.List.of("ea-1", "ea-2", "ea-3")))
                .body("rings.cells.flatten().reachability.status.unique()", equalTo(java.util.List.of("reachable")))
                .body("rings[1].cells[0].credential", equalTo("env:RIPPLE_SANDBOX_TOKEN"))
                .body(org.hamcrest.Matchers.not(containsString("sandbox-demo-token")));
    }

    @Test
    void summarisesEveryFlagPerRing() {
        Tokens.as(Tokens.SRE).get("/api/v1/flags").then().statusCode(200)
                .body("total", equalTo(3))
                .body("flags.name", hasItems("new_search_ui", "ci_kill_switch", "pricing_page_experiment"))
                .body("flags.find { it.name == 'new_search_ui' }.rings.value",
                        equalTo(java.util.List.of("unset", "on", "50% of actors", "off", "off")))
                .body("flags.find { it.name == 'new_search_ui' }.type", equalTo("derisk"));
    }

    @Test
    void pagesThroughTheFlagsByName() {
        // When a client reads one flag at a time
        var first = Tokens.as(Tokens.VIEWER).get("/api/v1/flags?limit=1").then().statusCode(200)
                .body("total", equalTo(3)).body("flags.name", equalTo(java.util.List.of("ci_kill_switch")))
                .body("nextAfter", equalTo("ci_kill_switch"));
        var second = Tokens.as(Tokens.VIEWER).get("/api/v1/flags?limit=1&after=ci_kill_switch").then();
        var last = Tokens.as(Tokens.VIEWER).get("/api/v1/flags?limit=2&after=ci_kill_switch").then();

        // Then every flag comes once, and the last page says there is no more
        second.statusCode(200).body("flags.name", equalTo(java.util.List.of("new_search_ui")))
                .body("nextAfter", equalTo("new_search_ui"));
        last.statusCode(200).body("flags.name", equalTo(java.util.List.of("new_search_ui",
                "pricing_page_experiment"))).body("nextAfter", org.hamcrest.Matchers.nullValue());
        Tokens.as(Tokens.VIEWER).get("/api/v1/flags?limit=0").then().statusCode(400)
                .body("code", equalTo("bad-parameter"));
        Tokens.as(Tokens.VIEWER).get("/api/v1/flags?limit=ten").then().statusCode(400);
    }

    @Test
    void saysHowARingIsMixed() {
        fleet.cell("ea-1").orElseThrow().putFlag("new_search_ui", Gates.OFF);
        refresh();

        Tokens.as(Tokens.SRE).get("/api/v1/flags?match=search").then().statusCode(200)
                .body("total", equalTo(1))
                .body("flags[0].rings[2].uniform", equalTo(false))
                .body("flags[0].rings[2].value", equalTo("mixed"))
                .body("flags[0].rings[2].breakdown.value", equalTo(java.util.List.of("50% of actors", "off")))
                .body("flags[0].rings[2].breakdown.cells", equalTo(java.util.List.of(2, 1)));
    }

    @Test
    void showsOneFlagPerRingAndPerCell() {
        Tokens.as(Tokens.SRE).get("/api/v1/flags/new_search_ui").then().statusCode(200)
                .contentType(ContentType.JSON)
                .body("definition.owner", equalTo("@search-team"))
                .body("fresh", equalTo(false))
                .body("rings[1].cells[0].cell", equalTo("qa-1"))
                .body("rings[1].cells[0].state", equalTo("on"))
                .body("rings[1].cells[0].gates.boolean", equalTo(true))
                .body("rings[2].cells[0].value", equalTo("50% of actors"))
                .body("rings[2].cells[0].gates.percentageOfActors", equalTo(50))
                .body("rings[0].cells[0].persisted", equalTo(false))
                .body("rings[2].cells[0].readAt", org.hamcrest.Matchers.notNullValue())
                .body("rings[2].cells[0].stale", equalTo(false));
    }

    @Test
    void answersNotModifiedUntilAGateChanges() {
        String etag = Tokens.as(Tokens.SRE).get("/api/v1/flags/new_search_ui").then().statusCode(200).extract().header("ETag");

        // A re-read that finds the same gates leaves the ETag alone.
        refresh();
        Tokens.as(Tokens.SRE).header("If-None-Match", etag).get("/api/v1/flags/new_search_ui").then().statusCode(304);

        fleet.cell("st-1").orElseThrow().putFlag("new_search_ui", Gates.OFF.withPercentageOfTime(BigDecimal.TEN));
        refresh();
        String changed = Tokens.as(Tokens.SRE).header("If-None-Match", etag).get("/api/v1/flags/new_search_ui").then()
                .statusCode(200).body("rings[4].cells[0].value", equalTo("10% of time")).extract().header("ETag");
        assertThat(changed).isNotEqualTo(etag);
    }

    @Test
    void keepsTheLastKnownStateOfAnUnreachableCellMarkedStale() {
        fleet.cell("ga-1").orElseThrow().faults(Faults.NONE.withDown(true));
        try {
            refresh();

            Tokens.as(Tokens.SRE).get("/api/v1/flags/new_search_ui").then().statusCode(200)
                    .body("staleCells", equalTo(1))
                    .body("rings[3].summary.staleCells", equalTo(1))
                    .body("rings[3].cells[0].cell", equalTo("ga-1"))
                    .body("rings[3].cells[0].stale", equalTo(true))
                    .body("rings[3].cells[0].value", equalTo("off"))
                    .body("rings[3].cells[0].error", containsString("unreachable"));
            Tokens.as(Tokens.SRE).get("/api/v1/cells/ga-1").then().statusCode(200)
                    .body("reachability.status", equalTo("unreachable"))
                    .body("reachability.staleSince", org.hamcrest.Matchers.notNullValue());
        } finally {
            fleet.cell("ga-1").orElseThrow().resetFaults();
        }
        refresh();
        Tokens.as(Tokens.SRE).get("/api/v1/cells/ga-1").then().body("reachability.status", equalTo("reachable"))
                .body("reachability.error", nullValue());
    }

    @Test
    void readsLiveWhenAskedForFreshState() {
        // Someone changes a cell by hand: the cache does not know yet.
        fleet.cell("st-2").orElseThrow().putFlag("new_search_ui", Gates.OFF.withEnabled(true));
        Tokens.as(Tokens.SRE).get("/api/v1/flags/new_search_ui").then().body("rings[4].cells[1].value", equalTo("off"));

        Tokens.as(Tokens.SRE).get("/api/v1/flags/new_search_ui?fresh=true").then().statusCode(200)
                .body("fresh", equalTo(true))
                .body("rings[4].cells[1].cell", equalTo("st-2"))
                .body("rings[4].cells[1].value", equalTo("on"));
        // The live read also refreshed the cache.
        Tokens.as(Tokens.SRE).get("/api/v1/flags/new_search_ui").then().body("rings[4].cells[1].value", equalTo("on"));
    }

    @Test
    void concurrentFreshReadsShareOneReadOfTheFleet() throws Exception {
        // Slow cells keep the first read in flight while the second request arrives.
        fleet.cells().forEach(c -> c.faults(Faults.NONE.withLatencyMs(400)));
        SandboxCell qa = fleet.cell("qa-1").orElseThrow();
        long before = qa.adminRequests("GET", 200);
        try {
            CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() ->
                    Tokens.as(Tokens.SRE).get("/api/v1/flags/new_search_ui?fresh=true").statusCode());
            CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() ->
                    Tokens.as(Tokens.SRE).get("/api/v1/flags/ci_kill_switch?fresh=true").statusCode());

            assertThat(first.get(20, TimeUnit.SECONDS)).isEqualTo(200);
            assertThat(second.get(20, TimeUnit.SECONDS)).isEqualTo(200);
        } finally {
            fleet.cells().forEach(SandboxCell::resetFaults);
        }
        assertThat(qa.adminRequests("GET", 200) - before).isEqualTo(1);
    }

    @Test
    void listsOneCellsFlagsFromTheCacheOrLive() {
        Tokens.as(Tokens.SRE).get("/api/v1/cells/qa-1/flags").then().statusCode(200)
                .body("cell", equalTo("qa-1")).body("ring", equalTo(0))
                .body("flags", hasSize(3))
                .body("flags.find { it.name == 'ci_kill_switch' }.state", equalTo("on"));
        fleet.cell("qa-1").orElseThrow().putFlag("hand_made", Gates.OFF.withEnabled(true));

        Tokens.as(Tokens.SRE).get("/api/v1/cells/qa-1/flags?fresh=true").then().statusCode(200)
                .body("fresh", equalTo(true))
                .body("flags.find { it.name == 'hand_made' }.defined", equalTo(false))
                .body("flags.find { it.name == 'hand_made' }.value", equalTo("on"));
    }

    @Test
    void compressesWhenTheCallerTakesGzip() {
        Tokens.as(Tokens.SRE).header("Accept-Encoding", "gzip").get("/api/v1/flags/new_search_ui").then().statusCode(200)
                .header("Content-Encoding", "gzip")
                .body("name", equalTo("new_search_ui"));
    }

    @Test
    void answersProblemsWithStableCodes() {
        Tokens.as(Tokens.SRE).get("/api/v1/flags/no_such_flag").then().statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("unknown-flag")).body("status", equalTo(404))
                .body("detail", containsString("no_such_flag"));
        Tokens.as(Tokens.SRE).get("/api/v1/flags/Not-A-Name").then().statusCode(400).body("code", equalTo("bad-parameter"));
        Tokens.as(Tokens.SRE).get("/api/v1/flags/new_search_ui?fresh=maybe").then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("bad-parameter")).body("parameter", equalTo("fresh"));
        Tokens.as(Tokens.SRE).get("/api/v1/cells/nope/flags").then().statusCode(404).body("code", equalTo("unknown-cell"));
        Tokens.as(Tokens.SRE).get("/api/v1/nothing-here").then().statusCode(404)
                .contentType("application/problem+json").body("code", equalTo("not-found"));
        Tokens.as(Tokens.SRE).delete("/api/v1/flags/new_search_ui").then().statusCode(405).body("code", equalTo("method-not-allowed"));
    }

    @Test
    void exposesRippleMetricsAndReadiness() {
        Tokens.as(Tokens.SRE).get("/q/metrics").then().statusCode(200)
                .body(containsString("ripple_cell_call_seconds_count{cell=\"qa-1\""))
                .body(containsString("ripple_cache_refresh_seconds_count"))
                .body(containsString("ripple_cache_stale_cells"))
                .body(containsString("ripple_cache_age_seconds"));
        Tokens.as(Tokens.SRE).get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'rings' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'rings' }.data.cells", equalTo(15));
    }

    private static void refresh() {
        Tokens.as(Tokens.SRE).post("/api/v1/cache/refresh").then().statusCode(200).body("failed", org.hamcrest.Matchers.greaterThanOrEqualTo(0));
    }
}
