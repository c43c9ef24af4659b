package dev.ripple.rollout;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/** A few rollouts are created at a time; the other requests queue in order, and give up after the wait. */
class StartGateTest {
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void aRequestThatFindsEveryTurnTakenForTheWholeWaitIsRefusedWithoutRunning() throws Exception {
        // Given: two turns, both held
        StartGate gate = new StartGate(2, Duration.ofMillis(200));
        CountDownLatch release = new CountDownLatch(1);
        List<Future<String>> holders = new ArrayList<>();
        CountDownLatch holding = new CountDownLatch(2);
        for (int i = 0; i < 2; i++) {
            holders.add(threads.submit(() -> gate.admit(() -> {
                holding.countDown();
                hold(release);
                return "held";
            })));
        }
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

        // When a third comes
        AtomicBoolean ran = new AtomicBoolean();
        TooManyStarts refused = catchThrowableOfType(TooManyStarts.class, () -> gate.admit(() -> ran.getAndSet(true)));

        // Then it is told why and when to come back, and its work did not run
        assertThat(refused).hasMessage("this instance is creating 2 rollouts at once and the request waited 200 ms "
                + "for its turn; nothing was started, try again in 1 s");
        assertThat(ran).isFalse();

        // And once a turn is free, the next one runs
        release.countDown();
        for (Future<String> h : holders) {
            assertThat(h.get(10, TimeUnit.SECONDS)).isEqualTo("held");
        }
        assertThat(gate.admit(() -> "next")).isEqualTo("next");
    }

    @Test
    void waitingRequestsGetTheirTurnInTheOrderTheyCame() throws Exception {
        // Given: one turn, held
        StartGate gate = new StartGate(1, Duration.ofSeconds(30));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        Future<Integer> holder = threads.submit(() -> gate.admit(() -> {
            holding.countDown();
            hold(release);
            return 0;
        }));
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

        // When five more queue behind it, one after the other
        List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            int n = i;
            queued.add(CompletableFuture.supplyAsync(() -> gate.admit(() -> {
                order.add(n);
                return n;
            }), threads));
            await().atMost(Duration.ofSeconds(10)).until(() -> gate.waiting() == n);
        }
        release.countDown();

        // Then each runs, in the order it came
        assertThat(holder.get(10, TimeUnit.SECONDS)).isZero();
        for (CompletableFuture<Integer> q : queued) {
            q.get(10, TimeUnit.SECONDS);
        }
        assertThat(order).containsExactly(1, 2, 3, 4, 5);
        assertThat(gate.waiting()).isZero();
    }

    @Test
    void aTurnIsGivenBackWhenTheWorkFails() {
        // Given
        StartGate gate = new StartGate(1, Duration.ofMillis(100));

        // When the work fails
        RuntimeException boom = catchThrowableOfType(RuntimeException.class, () -> gate.admit(() -> {
            throw new IllegalStateException("boom");
        }));

        // Then the failure is the work's own, and the turn is free for the next request
        assertThat(boom).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(gate.admit(() -> "next")).isEqualTo("next");
    }

    private static void hold(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
