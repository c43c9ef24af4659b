package dev.ripple.cells;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class CallLimitTest {
    private final CallLimit limit = new CallLimit(2);
    /** Calls started, in order, each answered when the test says so. */
    private final List<UniEmitter<? super String>> started = new ArrayList<>();
    private final List<String> answers = new ArrayList<>();
    private final AtomicInteger cancelledCalls = new AtomicInteger();

    private Cancellable submit() {
        return limit.run(() -> Uni.createFrom().<String>emitter(started::add)
                        .onCancellation().invoke(cancelledCalls::incrementAndGet))
                .subscribe().with(answers::add, failure -> answers.add("failed: " + failure.getMessage()));
    }

    @Test
    void runsAtMostTheLimitAndStartsTheOthersInOrderAsPlacesFree() {
        // Given five calls against a limit of two
        for (int i = 0; i < 5; i++) {
            submit();
        }
        assertThat(started).hasSize(2);
        assertThat(limit.waiting()).isEqualTo(3);

        // When the first answers and the second fails
        started.get(0).complete("a");
        started.get(1).fail(new IllegalStateException("down"));

        // Then both places went to the next two, in order, and the answers were passed on
        assertThat(started).hasSize(4);
        assertThat(answers).containsExactly("a", "failed: down");
        assertThat(limit.inFlight()).isEqualTo(2);
        assertThat(limit.waiting()).isEqualTo(1);
    }

    @Test
    void aCallerThatGivesUpWhileWaitingLeavesTheQueueAndOneThatGivesUpWhileRunningFreesItsPlace() {
        // Given two calls running and two waiting
        Cancellable first = submit();
        submit();
        Cancellable third = submit();
        submit();

        // When the third gives up while waiting, then the first while running
        third.cancel();
        first.cancel();

        // Then the first's call was cancelled, its place went to the fourth, and the third never started
        assertThat(cancelledCalls).hasValue(1);
        assertThat(started).hasSize(3);
        assertThat(limit.inFlight()).isEqualTo(2);
        assertThat(limit.waiting()).isZero();
        started.get(1).complete("b");
        started.get(2).complete("d");
        assertThat(answers).containsExactly("b", "d");
        assertThat(limit.inFlight()).isZero();
    }

    @Test
    void manyCallsThatAnswerAtOnceDoNotOverflowTheStack() {
        // Given a limit of one, a call holding it, and 20,000 calls behind it that each answer at once
        CallLimit one = new CallLimit(1);
        List<UniEmitter<? super String>> holder = new ArrayList<>();
        one.run(() -> Uni.createFrom().<String>emitter(holder::add)).subscribe().with(x -> { });
        AtomicInteger answered = new AtomicInteger();
        for (int i = 0; i < 20_000; i++) {
            one.run(() -> Uni.createFrom().item("x")).subscribe().with(x -> answered.incrementAndGet());
        }

        // When the first answers
        holder.get(0).complete("x");

        // Then every other call ran, one after another
        assertThat(answered).hasValue(20_000);
        assertThat(one.inFlight()).isZero();
    }
}
