package dev.ripple.rollout;

import dev.ripple.health.CheckRule;
import dev.ripple.health.CheckVerdict;
import dev.ripple.health.Direction;
import dev.ripple.health.HealthCheck;
import dev.ripple.health.HealthEvaluator;
import dev.ripple.health.Outcome;
import dev.ripple.health.QueryResult;
import dev.ripple.health.RingVerdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** One check's answer turned into a verdict: only real numbers can pass, the worst series decides. */
class HealthEvaluatorTest {
    static final double NAN = Double.NaN;
    static final Map<String, HealthCheck> CATALOG = Map.of(
            "errors", new HealthCheck("errors", "error ratio", "errors{ring=\"{{ring}}\",cells=~\"{{cells}}\"}",
                    Direction.ABOVE),
            "success", new HealthCheck("success", "success ratio", "success{flag=\"{{flag}}\",ring=\"{{ring}}\"}",
                    Direction.BELOW));
    static final CheckRule ERRORS = new CheckRule("errors", 0.02, Optional.of(0.05));
    static final CheckRule ERRORS_HALT_ONLY = new CheckRule("errors", 0.02, Optional.empty());
    static final CheckRule SUCCESS = new CheckRule("success", 0.95, Optional.of(0.9));

    static Stream<Arguments> answers() {
        return Stream.of(
                arguments("under halt is healthy", ERRORS, values(0.01), Outcome.HEALTHY, 0.01),
                arguments("exactly at halt is healthy: crossing is strict", ERRORS, values(0.02), Outcome.HEALTHY,
                        0.02),
                arguments("over halt halts", ERRORS, values(0.034), Outcome.HALT, 0.034),
                arguments("over rollback rolls back", ERRORS, values(0.06), Outcome.ROLLBACK, 0.06),
                arguments("without a rollback threshold the worst is a halt", ERRORS_HALT_ONLY, values(0.9),
                        Outcome.HALT, 0.9),
                arguments("below-direction: above halt is healthy", SUCCESS, values(0.99), Outcome.HEALTHY, 0.99),
                arguments("below-direction: under halt halts", SUCCESS, values(0.93), Outcome.HALT, 0.93),
                arguments("below-direction: under rollback rolls back", SUCCESS, values(0.5), Outcome.ROLLBACK, 0.5),
                arguments("several series: the highest decides when higher is worse", ERRORS,
                        values(0.01, 0.06, 0.03), Outcome.ROLLBACK, 0.06),
                arguments("several series: the lowest decides when lower is worse", SUCCESS, values(0.99, 0.93, 0.97),
                        Outcome.HALT, 0.93),
                arguments("an infinite ratio is as bad as it gets", ERRORS, values(Double.POSITIVE_INFINITY),
                        Outcome.ROLLBACK, Double.POSITIVE_INFINITY),
                arguments("NaN is inconclusive, never a pass", ERRORS, values(NAN), Outcome.INCONCLUSIVE, NAN),
                arguments("NaN beside healthy series is still inconclusive", ERRORS, values(0.0, NAN),
                        Outcome.INCONCLUSIVE, NAN),
                arguments("NaN in one cell does not hide another cell crossing rollback", ERRORS, values(NAN, 0.08),
                        Outcome.ROLLBACK, 0.08),
                arguments("NaN in one cell does not hide another cell crossing halt", SUCCESS, values(0.93, NAN),
                        Outcome.HALT, 0.93),
                arguments("no data is inconclusive, never a pass", ERRORS, new QueryResult.NoData(),
                        Outcome.INCONCLUSIVE, null),
                arguments("a failed query is an error, never a pass", ERRORS, new QueryResult.Failed("timeout"),
                        Outcome.ERROR, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void eachAnswerGivesItsVerdict(String behaviour, CheckRule rule, QueryResult answer, Outcome outcome,
                                   Double value) {
        // Given
        HealthEvaluator evaluator = new HealthEvaluator(query -> answer);

        // When
        RingVerdict verdict = evaluator.evaluate(2, List.of("c2-1", "c2-2"), "f", List.of(rule), CATALOG);

        // Then
        assertThat(verdict.outcome()).isEqualTo(outcome);
        assertThat(verdict.checks()).singleElement().satisfies(c -> {
            assertThat(c.outcome()).isEqualTo(outcome);
            assertThat(c.value()).isEqualTo(value);
            assertThat(c.halt()).isEqualTo(rule.halt());
            assertThat(c.rollback()).isEqualTo(rule.rollback().orElse(null));
        });
    }

    @Test
    void theQueryIsRenderedForTheRingItsCellsAndTheFlag() {
        // Given
        List<String> asked = new ArrayList<>();
        HealthEvaluator evaluator = new HealthEvaluator(query -> {
            asked.add(query);
            return values(0.0);
        });

        // When
        RingVerdict verdict = evaluator.evaluate(2, List.of("c2-1", "c2-2"), "new_search_ui",
                List.of(ERRORS, SUCCESS), CATALOG);

        // Then
        assertThat(asked).containsExactly("errors{ring=\"2\",cells=~\"c2-1|c2-2\"}",
                "success{flag=\"new_search_ui\",ring=\"2\"}");
        assertThat(verdict.checks()).extracting(CheckVerdict::query).containsExactlyElementsOf(asked);
    }

    @Test
    void aCheckRemovedFromTheCatalogIsAnErrorNotAPass() {
        // Given
        CheckRule latency = new CheckRule("latency", 0.5, Optional.empty());
        HealthEvaluator evaluator = new HealthEvaluator(query -> values(0.0));

        // When
        RingVerdict verdict = evaluator.evaluate(1, List.of("c1-1"), "f", List.of(ERRORS, latency), CATALOG);

        // Then
        assertThat(verdict.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(verdict.summary()).isEqualTo("latency on ring 1 error: check 'latency' is no longer defined in"
                + " checks.yaml");
    }

    @Test
    void aRingTakesTheWorstOfItsChecksAndSummarisesOnlyThose() {
        // Given errors halts, success rolls back
        HealthEvaluator evaluator = new HealthEvaluator(query -> query.startsWith("errors") ? values(0.03)
                : values(0.5));

        // When
        RingVerdict verdict = evaluator.evaluate(2, List.of("c2-1"), "f", List.of(ERRORS, SUCCESS), CATALOG);

        // Then
        assertThat(verdict.outcome()).isEqualTo(Outcome.ROLLBACK);
        assertThat(verdict.summary()).isEqualTo("success on ring 2 0.5 < rollback 0.9");
    }

    @Test
    void aRingWithoutChecksIsHealthy() {
        // Given
        HealthEvaluator evaluator = new HealthEvaluator(query -> new QueryResult.Failed("never asked"));

        // When
        RingVerdict verdict = evaluator.evaluate(3, List.of("c3-1"), "f", List.of(), CATALOG);

        // Then
        assertThat(verdict.outcome()).isEqualTo(Outcome.HEALTHY);
        assertThat(verdict.summary()).isEqualTo("ring 3: no checks");
    }

    static Stream<Arguments> summaries() {
        return Stream.of(
                arguments(ERRORS, values(0.034), "errors on ring 2 0.034 > halt 0.02"),
                arguments(ERRORS, values(0.06), "errors on ring 2 0.06 > rollback 0.05"),
                arguments(ERRORS, values(0.01), "errors on ring 2 0.01 <= halt 0.02"),
                arguments(ERRORS, values(0.0), "errors on ring 2 0 <= halt 0.02"),
                arguments(ERRORS, values(0.1 + 0.2), "errors on ring 2 0.3 > rollback 0.05"),
                arguments(SUCCESS, values(0.93), "success on ring 2 0.93 < halt 0.95"),
                arguments(SUCCESS, values(0.5), "success on ring 2 0.5 < rollback 0.9"),
                arguments(SUCCESS, values(1.0), "success on ring 2 1 >= halt 0.95"),
                arguments(ERRORS, values(NAN), "errors on ring 2 inconclusive: NaN (no traffic to divide by?)"),
                arguments(ERRORS, new QueryResult.NoData(), "errors on ring 2 inconclusive: no data"),
                arguments(ERRORS, new QueryResult.Failed("prometheus: timeout after 10s"),
                        "errors on ring 2 error: prometheus: timeout after 10s"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("summaries")
    void eachVerdictSaysWhyInOneLine(CheckRule rule, QueryResult answer, String line) {
        // Given
        HealthEvaluator evaluator = new HealthEvaluator(query -> answer);
        CheckVerdict verdict = evaluator.evaluate(2, List.of("c2-1"), "f", List.of(rule), CATALOG).checks().get(0);

        // When
        String summary = verdict.summary();

        // Then
        assertThat(summary).isEqualTo(line);
    }

    private static QueryResult values(double... values) {
        return new QueryResult.Samples(java.util.Arrays.stream(values).boxed().toList());
    }
}
