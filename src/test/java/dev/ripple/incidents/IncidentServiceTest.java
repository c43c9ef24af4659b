package dev.ripple.incidents;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Several Ripple instances share one database: each sees the others' incidents within the refresh period. */
@QuarkusTest
class IncidentServiceTest {
    @Inject
    IncidentService service;
    @Inject
    IncidentStore store;

    @AfterEach
    void closeWhatWasOpened() {
        store.open().forEach(i -> store.close(Long.parseLong(i.id()), "cleanup", Instant.now()));
    }

    @Test
    void anIncidentOpenedByAnotherInstanceBlocksWithinTheRefreshPeriod() {
        // Given this instance has read the incidents of ring 3 before
        service.activeOn(3);

        // When another instance opens one straight in the shared table
        Incident elsewhere = store.open(3, "sev1", "Opened elsewhere", null, "other-instance", Instant.now(), null,
                null).incident();

        // Then
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(service.activeOn(3)).extracting(ActiveIncident::id).contains(elsewhere.id()));
    }

    @Test
    void anIncidentClosedByAnotherInstanceStopsBlockingWithinTheRefreshPeriod() {
        // Given
        Incident open = service.open(3, "sev3", "Closed elsewhere", null, "alice");
        assertThat(service.activeOn(3)).extracting(ActiveIncident::id).contains(open.id());

        // When
        store.close(Long.parseLong(open.id()), "other-instance", Instant.now());

        // Then
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(service.activeOn(3)).extracting(ActiveIncident::id).doesNotContain(open.id()));
    }
}
