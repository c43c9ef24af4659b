package dev.ripple.chatops;

import dev.ripple.audit.FlagLogCapture;
import dev.ripple.notify.FlagLogEntry;
import dev.ripple.flags.Gates;
import dev.ripple.rollout.RolloutE2EProfile;
import dev.ripple.rollout.RolloutService;
import dev.ripple.sandbox.SandboxCell;
import dev.ripple.sandbox.SandboxFleet;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.ripple.rollout.RolloutE2EProfile.FLAG;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A rollout driven from Slack on the sandbox fleet, its health checks answered by a real Prometheus scraping it
 * (as {@code RolloutEndToEndTest}; Debian package {@code prometheus}). The sandbox seeds the flag on in ring 0, 50%
 * of actors in ring 1 and off in ring 2.
 */
@QuarkusTest
@TestProfile(RolloutE2EProfile.class)
class ChatRolloutEndToEndTest {
    private static final SlackClient SLACK = new SlackClient();
    private static final Pattern STARTED = Pattern.compile("^Rollout (\\d+) started: ");
    private static final String ALICE = "U0ENGINEER";

    @Inject
    SandboxFleet fleet;
    @Inject
    RolloutService rollouts;
    @Inject
    FlagLogCapture flagLog;

    @BeforeEach
    void healthyFleetScraped() {
        Assumptions.assumeTrue(RolloutE2EProfile.PrometheusResource.prometheus != null,
                RolloutE2EProfile.PrometheusResource.missing);
        fleet.reset();
        RolloutE2EProfile.PrometheusResource.prometheus.awaitTargetUp();
    }

    @AfterEach
    void endWhatIsLeft() {
        fleet.cells().forEach(SandboxCell::resetFaults);
        Cleanup.abortActiveRollouts(rollouts);
    }

    @AfterAll
    static void closeSlack() {
        SLACK.close();
    }

    private static String say(String text) {
        return SLACK.command(ALICE, text).text();
    }

    private static long started(String reply) {
        Matcher m = STARTED.matcher(reply);
        assertThat(m.find()).as(reply).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void setStatusPauseResumeAndTheRolloutCompletes() {
        // When alice asks for 25% of actors up to ring 2
        String set = say("feature set " + FLAG + " 25 --actors --ring=2 --reason=\"chat e2e\"");

        // Then the reply says what will happen
        long id = started(set);
        assertThat(set).isEqualTo("Rollout " + id + " started: " + FLAG + " → 25% of actors, gradual up to ring 2,"
                + " by alice (chat e2e)\n"
                + "• ring 0 (qa): 1 cell, bake 3s\n"
                + "• ring 1 (early): 3 cells, bake 3s\n"
                + "• ring 2 (general): 2 cells, bake 3s\n"
                + "Follow it with `rollout status " + id + "`.");
        assertThat(say("rollout status " + id)).contains("\nState: running at ring ");

        // And when she pauses it, it stays put
        String paused = say("rollout pause " + id + " --reason=\"checking a dashboard\"");
        assertThat(paused).startsWith("Rollout " + id + ": pause by alice.\n").contains("\nState: paused at ring");
        assertThat(say("rollout status " + id)).contains("\nState: paused at ring");

        // And when she resumes it, it carries on to the end
        String resumed = say("rollout resume " + id);
        assertThat(resumed).startsWith("Rollout " + id + ": resume by alice.\n").doesNotContain("State: paused");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> say("rollout status " + id).contains("\nState: completed"));
        assertThat(say("rollout status " + id)).endsWith("\nRings: 0 qa done · 1 early done · 2 general done");
        Gates quarter = Gates.OFF.withPercentageOfActors(new BigDecimal(25));
        for (String cell : List.of("qa-1", "ea-1", "ea-2", "ea-3", "ga-1", "ga-2")) {
            assertThat(fleet.cell(cell).orElseThrow().flag(FLAG)).as(cell).contains(quarter);
        }
        assertThat(fleet.cell("q-1").orElseThrow().flag(FLAG)).as("quarantine is never part of it").isEmpty();
        assertThat(rollouts.timeline(id, null, 1000)).extracting(e -> e.type() + " " + e.actor())
                .contains("pause alice", "resume alice");

        // And the feature-flag log has one entry per ring, in the words engineers read, attributed to alice
        assertThat(flagLog.of(FLAG)).filteredOn(e -> e.rolloutId().equals(Long.toString(id)))
                .extracting(FlagLogEntry::title, FlagLogEntry::requestedBy)
                .containsExactly(
                        tuple("Feature flag '" + FLAG + "' set to '25%' of actors on ring 0", "alice"),
                        tuple("Feature flag '" + FLAG + "' set to '25%' of actors on ring 1", "alice"),
                        tuple("Feature flag '" + FLAG + "' set to '25%' of actors on ring 2", "alice"));
    }

    @Test
    void aHaltedRolloutsStatusSaysWhyInOneLine() {
        // Given a rollout baking in ring 1
        long id = started(say("feature set " + FLAG + " 25 --actors --ring=2"));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> say("rollout status " + id).contains("\nState: running at ring 1 (early), bake"));

        // When one of its cells reports 10% errors
        fleet.cell("ea-2").orElseThrow().updateFaults(f -> f.withReportedErrorRatio(0.1));

        // Then the status says it halted, and why, with the value and the threshold
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> say("rollout status " + id).contains("\nState: halted"));
        assertThat(say("rollout status " + id)).contains("\nState: halted at ring 1 (early): error-ratio on"
                + " ring 1 0.1 > halt 0.05").endsWith("\nRings: 0 qa done · 1 early halted · 2 general waiting");
    }
}
