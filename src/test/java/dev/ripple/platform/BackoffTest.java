package dev.ripple.platform;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    private static final Duration INITIAL = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofSeconds(1);

    @Test
    void doublesEachAttemptUpToTheCapWithoutJitter() {
        // Given no jitter
        // When the waits after attempts 1 to 6 are asked for
        // Then each doubles the one before until the cap
        assertThat(Backoff.exponential(1, INITIAL, MAX, 0)).isEqualTo(Duration.ofMillis(100));
        assertThat(Backoff.exponential(2, INITIAL, MAX, 0)).isEqualTo(Duration.ofMillis(200));
        assertThat(Backoff.exponential(4, INITIAL, MAX, 0)).isEqualTo(Duration.ofMillis(800));
        assertThat(Backoff.exponential(5, INITIAL, MAX, 0)).isEqualTo(MAX);
        assertThat(Backoff.exponential(60, INITIAL, MAX, 0)).isEqualTo(MAX);
    }

    @Test
    void jitterStaysWithinItsShareAroundTheMiddle() {
        // Given half of each wait drawn at random
        for (int i = 0; i < 1_000; i++) {
            // When the wait after the third attempt (400 ms before jitter) is asked for
            Duration wait = Backoff.exponential(3, INITIAL, MAX, 0.5);
            // Then it lies within 400 ms ± 100 ms
            assertThat(wait).isBetween(Duration.ofMillis(300), Duration.ofMillis(500));
        }
    }
}
