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

/**
 * The cache's last known state survives a restart: what a cell holds, whether it is stale and why, exactly; when it
 * was read, to within a minute (steady re-reads are saved at most once a minute).
 */
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
            assertSameKnowledge(persisted.get("qa-1"), live);
            assertSameKnowledge(persisted.get("st-3"), sick);
        });

        CellStateCache restarted = new CellStateCache();
        restarted.restore(store.loadAll());
        assertSameKnowledge(restarted.get("qa-1").orElseThrow(), live);
        assertThat(restarted.get("qa-1").orElseThrow().flags()).containsKeys("new_search_ui", "ci_kill_switch");
        assertThat(restarted.get("st-3").orElseThrow().stale()).isTrue();
        assertThat(restarted.get("st-3").orElseThrow().error()).contains("unreachable");
        assertThat(restarted.get("st-3").orElseThrow().staleSince()).isNotNull();
    }

    private static void assertSameKnowledge(CellState persisted, CellState live) {
        assertThat(persisted).isNotNull();
        assertThat(persisted.flags()).isEqualTo(live.flags());
        assertThat(persisted.contentHash()).isEqualTo(live.contentHash());
        assertThat(persisted.stale()).isEqualTo(live.stale());
        assertThat(persisted.error()).isEqualTo(live.error());
        assertThat(persisted.staleSince()).isEqualTo(live.staleSince());
        if (live.readAt() == null) {
            assertThat(persisted.readAt()).isNull();
        } else {
            assertThat(persisted.readAt()).isBetween(live.readAt().minus(Duration.ofMinutes(1)), live.readAt());
        }
    }

    private static Map<String, CellState> byId(List<CellState> states) {
        return states.stream().collect(Collectors.toMap(CellState::cellId, Function.identity()));
    }
}
