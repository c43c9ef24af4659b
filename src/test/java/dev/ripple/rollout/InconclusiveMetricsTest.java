package dev.ripple.rollout;

import dev.ripple.health.QueryResult;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Iterator;
import java.util.List;

import static dev.ripple.rollout.EngineFixture.CHECK_EVERY;
import static dev.ripple.rollout.EngineFixture.on;
import static dev.ripple.rollout.EngineFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

/** No data, NaN and failed queries never pass a ring; three in a row halt the rollout. */
class InconclusiveMetricsTest {
    private final EngineFixture f = new EngineFixture();

    @Test
    void noDataThreeTimesInARowHaltsTheRolloutSayingSo() {
        // Given ring 0 baking
        long id = f.startBaking(0);
        f.metrics.answer(0, new QueryResult.NoData());

        // When
        f.stepUntil(id, r -> r.state() == RolloutState.HALTED);

        // Then
        assertThat(f.rollout(id).reason()).isEqualTo("no conclusive health verdict in 3 evaluations in a row: "
                + "errors on ring 0 inconclusive: no data");
        assertThat(f.events(id, "check")).filteredOn(e -> "bake".equals(e.detail().get("during"))).hasSize(3);
        assertThat(f.gates("c1-1")).isEmpty();
    }

    @Test
    void nanIsInconclusiveAndHaltsLikeNoData() {
        // Given
        long id = f.startBaking(0);
        f.metrics.errors(0, Double.NaN);

        // When
        f.stepUntil(id, r -> r.state() == RolloutState.HALTED);

        // Then
        assertThat(f.rollout(id).reason()).endsWith("errors on ring 0 inconclusive: NaN (no traffic to divide by?)");
        assertThat(lastCheck(id).detail().get("checks")).asList().singleElement()
                .asInstanceOf(InstanceOfAssertFactories.MAP).containsEntry("value", "NaN");
    }

    @Test
    void aFailingQueryIsNeverAPassEither() {
        // Given
        long id = f.startBaking(0);
        f.metrics.answer(0, new QueryResult.Failed("prometheus unreachable"));

        // When
        f.stepUntil(id, r -> r.state() == RolloutState.HALTED);

        // Then
        assertThat(f.rollout(id).reason()).endsWith("errors on ring 0 error: prometheus unreachable");
    }

    @Test
    void aHealthyVerdictInBetweenStartsTheCountAgain() {
        // Given ring 0 baking; the checks will answer no data, no data, healthy, no data, no data
        long id = f.startBaking(0);
        List<QueryResult> answers = List.of(new QueryResult.NoData(), new QueryResult.NoData(),
                new QueryResult.Samples(List.of(0.0)), new QueryResult.NoData(), new QueryResult.NoData());
        Iterator<QueryResult> next = answers.iterator();
        f.metrics.live.put(0, next::next);

        // When the five checks run
        answers.forEach(answer -> f.stepOnce(id));

        // Then
        assertThat(f.rollout(id).state()).isEqualTo(RolloutState.RUNNING);
        assertThat(f.rollout(id).inconclusiveStreak()).isEqualTo(2);
        assertThat(f.events(id, "check")).filteredOn(e -> "bake".equals(e.detail().get("during")))
                .extracting(e -> e.detail().get("outcome"))
                .containsExactly("inconclusive", "inconclusive", "healthy", "inconclusive", "inconclusive");
    }

    @Test
    void aBakeWhoseLastCheckIsInconclusiveEndsOnlyAtTheNextHealthyCheck() {
        // Given the check at the end of ring 0's bake finds no data
        long id = f.startBaking(0);
        Instant bakeOver = f.rollout(id).bakeUntil();
        f.metrics.live.put(0, () -> f.clock.instant().equals(bakeOver) ? new QueryResult.NoData()
                : new QueryResult.Samples(List.of(0.0)));

        // When
        f.stepUntil(id, r -> r.ringIndex() == 1);

        // Then
        assertThat(f.events(id, "ring-done")).singleElement().extracting(TimelineEvent::at)
                .isEqualTo(bakeOver.plus(CHECK_EVERY));
    }

    @Test
    void aRingWithNoDataBeforeItIsTouchedHaltsWithoutBeingWritten() {
        // Given
        f.metrics.answer(1, new QueryResult.NoData());
        long id = f.start(request(on(), 3, Mode.GRADUAL));

        // When
        f.stepUntil(id, r -> r.state() == RolloutState.HALTED);

        // Then
        assertThat(f.rollout(id).ringIndex()).isEqualTo(1);
        assertThat(f.events(id, "check")).filteredOn(e -> "preflight".equals(e.detail().get("during")))
                .filteredOn(e -> e.ring() == 1).hasSize(3);
        assertThat(f.cells.writes).containsExactly("c0-1 on");
    }

    private TimelineEvent lastCheck(long id) {
        List<TimelineEvent> checks = f.events(id, "check");
        return checks.get(checks.size() - 1);
    }
}
