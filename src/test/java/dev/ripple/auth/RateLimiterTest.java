package dev.ripple.auth;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimiterTest {
    private final AtomicLong nanos = new AtomicLong();
    private final RateLimiter limiter = new RateLimiter(60, 3, nanos::get);

    @Test
    void aBurstPassesThenTheNextCallWaitsForTheRate() {
        for (int i = 0; i < 3; i++) {
            limiter.acquire("bot");
        }
        assertThatThrownBy(() -> limiter.acquire("bot")).isInstanceOf(RateLimitExceeded.class)
                .hasMessageContaining("more than 60 changes a minute")
                .satisfies(e -> assertThat(((RateLimitExceeded) e).retryAfterSeconds()).isEqualTo(1));
    }

    @Test
    void eachPrincipalHasItsOwnBucket() {
        for (int i = 0; i < 3; i++) {
            limiter.acquire("looping-bot");
        }
        limiter.acquire("alice");
    }

    @Test
    void theBucketRefillsAtThePerMinuteRate() {
        for (int i = 0; i < 3; i++) {
            limiter.acquire("bot");
        }
        nanos.addAndGet(1_000_000_000L); // one call a second at 60 a minute
        limiter.acquire("bot");
        assertThatThrownBy(() -> limiter.acquire("bot")).isInstanceOf(RateLimitExceeded.class);
    }

    @Test
    void zeroTurnsTheLimitOff() {
        RateLimiter off = new RateLimiter(0, 1, nanos::get);
        for (int i = 0; i < 1000; i++) {
            off.acquire("bot");
        }
    }
}
