package dev.ripple.cells;

import dev.ripple.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class CellBreakerTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    private final CellBreaker breaker = new CellBreaker(clock, 3, Duration.ofSeconds(30));

    @Test
    void staysClosedBelowTheThreshold() {
        // Given two transient failures in a row
        fail(2);
        // When the next call asks to go out
        boolean admitted = breaker.tryAcquire();
        // Then it goes out
        assertThat(admitted).isTrue();
        assertThat(breaker.state()).isEqualTo(CellBreaker.State.CLOSED);
    }

    @Test
    void opensAfterTheThresholdAndFailsFastUntilTheDelayPasses() {
        // Given three transient failures in a row
        fail(3);
        // When a call comes 29 s later
        clock.advance(Duration.ofSeconds(29));
        // Then it is refused without reaching the cell
        assertThat(breaker.tryAcquire()).isFalse();
        assertThat(breaker.state()).isEqualTo(CellBreaker.State.OPEN);
        assertThat(breaker.openUntil()).isEqualTo(Instant.parse("2026-11-21T10:00:30Z"));
    }

    @Test
    void halfOpenAdmitsOneProbeAndClosesOnItsSuccess() {
        fail(3);
        clock.advance(Duration.ofSeconds(31));
        // When the delay has passed, one probe is admitted and a second concurrent call is not
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.tryAcquire()).isFalse();
        breaker.onSuccess();
        // Then a successful probe closes the breaker
        assertThat(breaker.state()).isEqualTo(CellBreaker.State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void aFailedProbeOpensItAgainAtOnce() {
        fail(3);
        clock.advance(Duration.ofSeconds(31));
        assertThat(breaker.tryAcquire()).isTrue();
        // When the probe fails
        breaker.onTransientFailure();
        // Then the breaker is open for another full delay
        assertThat(breaker.state()).isEqualTo(CellBreaker.State.OPEN);
        assertThat(breaker.openUntil()).isEqualTo(Instant.parse("2026-11-21T10:01:01Z"));
    }

    @Test
    void aSuccessResetsTheCount() {
        fail(2);
        breaker.onSuccess();
        fail(2);
        assertThat(breaker.state()).isEqualTo(CellBreaker.State.CLOSED);
    }

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            assertThat(breaker.tryAcquire()).isTrue();
            breaker.onTransientFailure();
        }
    }
}
