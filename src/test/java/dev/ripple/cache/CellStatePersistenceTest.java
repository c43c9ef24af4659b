package dev.ripple.cache;

import dev.ripple.sandbox.Faults;
import dev.ripple.sandbox.SandboxFleet;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The cache's last known state survives a restart: what is persisted after a refresh is what a new cache restores. */
@QuarkusTest
class CellStatePersistenceTest {
    @Inject
    CacheRefresher refresher;
    @Inject
    CellStateCache cache;
    @Inject
    CellStateStore store;
    @Inject
    SandboxFleet fleet;

    @Test
    void aRestartedCacheAnswersWithTheLastKnownStateStaleMarksIncluded() {
        fleet.reset();
        fleet.cell("st-3").orElseThrow().faults(Faults.NONE.withDown(true));
        try {
            refresher.refreshAll(false).await().atMost(Duration.ofSeconds(30));
            refresher.refreshAll(false).await().atMost(Duration.ofSeconds(30));
        } finally {
            fleet.cell("st-3").orElseThrow().resetFaults();
        }
        CellState live = cache.get("qa-1").orElseThrow();
        CellState sick = cache.get("st-3").orElseThrow();

        // The write happens in the background after each refresh.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Map<String, CellState> persisted = byId(store.loadAll());
            assertThat(persisted.get("qa-1")).isEqualTo(live);
            assertThat(persisted.get("st-3")).isEqualTo(sick);
        });

        CellStateCache restarted = new CellStateCache();
        restarted.restore(store.loadAll());
        assertThat(restarted.get("qa-1")).contains(live);
        assertThat(restarted.get("qa-1").orElseThrow().flags()).containsKeys("new_search_ui", "ci_kill_switch");
        assertThat(restarted.get("st-3").orElseThrow().stale()).isTrue();
        assertThat(restarted.get("st-3").orElseThrow().error()).contains("unreachable");
        assertThat(restarted.get("st-3").orElseThrow().staleSince()).isNotNull();
    }

    private static Map<String, CellState> byId(List<CellState> states) {
        return states.stream().collect(Collectors.toMap(CellState::cellId, Function.identity()));
    }
}
