package dev.ripple.flags;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GateChangeTest {

    @Test
    void refusesPercentagesOutsideZeroToHundredBeforeAnythingIsSent() {
        assertThatThrownBy(() -> new GateChange.SetPercentage(GateChange.PercentageKind.ACTORS, new BigDecimal("100.01")))
                .isInstanceOf(InvalidGateChangeException.class).hasMessageContaining("between 0 and 100");
        assertThatThrownBy(() -> new GateChange.SetPercentage(GateChange.PercentageKind.TIME, new BigDecimal("-1")))
                .isInstanceOf(InvalidGateChangeException.class);
        assertThat(new GateChange.SetPercentage(GateChange.PercentageKind.TIME, new BigDecimal("100")).describe())
                .isEqualTo("100% of time");
    }

    @Test
    void refusesEmptyOrCommaSeparatedActorLists() {
        assertThatThrownBy(() -> new GateChange.SetActors(ActorKind.USER, List.of(), true))
                .isInstanceOf(InvalidGateChangeException.class);
        assertThatThrownBy(() -> new GateChange.SetActors(ActorKind.USER, List.of("a,b"), true))
                .isInstanceOf(InvalidGateChangeException.class).hasMessageContaining("','");
    }

    @Test
    void percentagesParseTheWayGitlabAcceptsThem() {
        assertThat(Percentages.parse("12.5")).contains(new BigDecimal("12.5"));
        assertThat(Percentages.parse("100")).isPresent();
        assertThat(Percentages.parse("100.5")).isEmpty();
        assertThat(Percentages.parse("1e2")).isEmpty();
        assertThat(Percentages.parse(".5")).isEmpty();
    }

    @Test
    void gatesCompareByValueWhateverTheScaleOfTheirPercentages() {
        Gates a = Gates.OFF.withPercentageOfActors(new BigDecimal("25"));
        Gates b = Gates.OFF.withPercentageOfActors(new BigDecimal("25.00"));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.state()).isEqualTo(FlagState.CONDITIONAL);
        assertThat(Gates.OFF.withPercentageOfTime(new BigDecimal("100")).state()).isEqualTo(FlagState.ON);
        assertThat(Gates.OFF.withPercentageOfActors(BigDecimal.ZERO)).isEqualTo(Gates.OFF);
    }
}
