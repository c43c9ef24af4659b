package dev.ripple.health;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HealthCheckTest {

    @Test
    void rendersTheRingItsCellsAndTheFlag() {
        HealthCheck check = new HealthCheck("errors", "", "sum(x{cell=~\"{{cells}}\",ring=\"{{ ring }}\",flag=\"{{flag}}\"})",
                Direction.ABOVE);

        assertThat(check.render(2, List.of("ga-1", "ga-2"), "new_search_ui"))
                .isEqualTo("sum(x{cell=~\"ga-1|ga-2\",ring=\"2\",flag=\"new_search_ui\"})");
    }
}
