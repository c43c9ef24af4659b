package dev.ripple.notify;

import dev.ripple.notify.RolloutNotification.Event;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** The application's notifier with the shipped configuration: webhooks, no sinks, quiet. */
@QuarkusTest
class NotifierWiringTest {
    @Inject
    Notifier notifier;

    @Test
    void theShippedConfigurationHasNoSinksAndPublishingIsHarmless() {
        // Given the application as configured for tests (no sinks)
        assertThat(notifier).isInstanceOf(WebhookNotifier.class);
        // When the engine publishes, even something malformed
        // Then nothing is thrown
        assertThatCode(() -> {
            notifier.publish(new RolloutNotification(Event.STARTED, "1", "new_search_ui", "10% of actors", 1, "auto",
                    "alice", null, null, Instant.now(), List.of()));
            notifier.publish(null);
        }).doesNotThrowAnyException();
    }
}
