package dev.ripple.chatops;

import dev.ripple.audit.AuditRequest;
import dev.ripple.auth.Channel;
import dev.ripple.cache.CacheRefresher;
import dev.ripple.incidents.IncidentService;
import dev.ripple.rollout.Rollout;
import dev.ripple.rollout.RolloutState;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Chat commands run for chat users against the shipped rings/ and the sandbox fleet: the role rules, the replies, the
 * refusals as one line, and the audit trail. The users are the test profile's: vera (viewer), alice (engineer), sam
 * (sre), and U0NOBODY, who is not mapped.
 */
@QuarkusTest
@TestProfile(ChatOpsProfile.class)
class ChatCommandsTest extends OnTheSandbox {
    @Inject
    ChatCommands commands;
    @Inject
    ChatUsers users;
    @Inject
    IncidentService incidents;
    @Inject
    CacheRefresher refresher;
    @Inject
    RecordingAuditLog audit;

    @BeforeEach
    void freshCache() {
        refresher.readAllNow().await().atMost(Duration.ofSeconds(20));
        audit.clear();
    }

    @AfterEach
    void closeIncidents() {
        Cleanup.closeIncidents(incidents);
    }

    private ChatReply as(String user, String text) {
        return commands.run(users.resolve(user, "test-bot"), text, null);
    }

    // ---- role rules ----------------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "feature get new_search_ui | new_search_ui (derisk, @search-team)",
            "feature list              | 3 flags:",
            "rollouts --active         | No active rollouts",
            "help                      | Commands:",
    })
    void aViewerReads(String text, String expected) {
        // When
        ChatReply reply = as("vera", text);

        // Then
        assertThat(reply.ok()).as(reply.text()).isTrue();
        assertThat(reply.text()).contains(expected);
    }

    @Test
    void helpShowsEveryCommandsUsage() {
        assertThat(as("vera", "help").text()).contains(CommandParser.USAGE);
    }

    @Test
    void aViewerCannotSetAFlag() {
        // When
        ChatReply reply = as("vera", "feature set new_search_ui 25 --actors --ring=1");

        // Then
        assertThat(reply.ok()).isFalse();
        assertThat(reply.refusal().code()).isEqualTo("forbidden");
        assertThat(reply.text()).isEqualTo("Not allowed: vera may not start a rollout: that needs the engineer role");
        assertThat(reply.inChannel()).isFalse();
        assertThat(rollouts.activeFor("new_search_ui")).isEmpty();
        assertThat(audit.requests()).singleElement().satisfies(a -> {
            assertThat(a.principal().name()).isEqualTo("vera");
            assertThat(a.action()).isEqualTo("feature set");
            assertThat(a.status()).isEqualTo(403);
        });
    }

    @Test
    void aViewerCannotAskForAPlanEither() {
        // When
        ChatReply reply = as("vera", "feature set new_search_ui 25 --actors --dry-run");

        // Then
        assertThat(reply.text()).isEqualTo("Not allowed: vera may not ask for a rollout's plan: that needs the"
                + " engineer role");
    }

    @Test
    void aViewerCannotOperateOnARollout() {
        // Given
        long id = as("alice", "feature set new_search_ui 25 --actors --ring=1").rolloutId();

        // When
        ChatReply reply = as("vera", "rollout pause " + id);

        // Then
        assertThat(reply.refusal().code()).isEqualTo("forbidden");
        assertThat(reply.text()).contains("needs the engineer role");
        assertThat(rollouts.find(id).orElseThrow().state()).isNotEqualTo(RolloutState.PAUSED);
    }

    @Test
    void anEngineerStartsAGradualRolloutAndTheReplyShowsThePlan() {
        // When
        ChatReply reply = as("alice", "feature set new_search_ui 25 --actors --ring=2 --reason=\"step two\"");

        // Then
        assertThat(reply.ok()).as(reply.text()).isTrue();
        assertThat(reply.inChannel()).isTrue();
        assertThat(reply.text()).isEqualTo("Rollout " + reply.rolloutId() + " started: new_search_ui → 25% of"
                + " actors, gradual up to ring 2, by alice (step two)\n"
                + "• ring 0 (qa): 1 cell, bake 1h\n"
                + "• ring 1 (early-adopters): 3 cells, bake 1h\n"
                + "• ring 2 (general): 4 cells, bake 1h\n"
                + "Follow it with `rollout status " + reply.rolloutId() + "`.");
        Rollout started = rollouts.find(reply.rolloutId()).orElseThrow();
        assertThat(started.request().initiator()).isEqualTo("alice");
        assertThat(started.request().reason()).isEqualTo("step two");
        assertThat(audit.requests()).singleElement().satisfies(a -> {
            assertThat(a.principal().channel()).isEqualTo(Channel.CHAT);
            assertThat(a.principal().via()).isEqualTo("test-bot");
            assertThat(a.request()).isEqualTo("feature set new_search_ui 25 --actors --ring=2 --reason=\"step two\"");
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.outcome()).isEqualTo("Rollout " + reply.rolloutId() + " started: new_search_ui → 25% of"
                    + " actors, gradual up to ring 2, by alice (step two)");
        });
    }

    @Test
    void withoutARingAChangeGoesUpToTheOutermostRing() {
        // When
        ChatReply reply = as("alice", "feature set pricing_page_experiment 10 --random");

        // Then
        assertThat(reply.text()).contains("up to ring 3").contains("• ring 3 (");
        assertThat(rollouts.find(reply.rolloutId()).orElseThrow().request().upToRing()).isEqualTo(3);
    }

    @Test
    void anEngineerCannotRollOutImmediately() {
        // When
        ChatReply reply = as("alice", "feature set ci_kill_switch true --immediate");

        // Then
        assertThat(reply.refusal().code()).isEqualTo("forbidden");
        assertThat(reply.text()).isEqualTo("Not allowed: alice may not start an immediate rollout: that needs the"
                + " sre role");
        assertThat(reply.refusal().details()).containsEntry("neededRole", "sre");
        assertThat(rollouts.activeFor("ci_kill_switch")).isEmpty();
        assertThat(audit.requests()).singleElement().extracting(AuditRequest::status).isEqualTo(403);
    }

    @Test
    void anSreRollsOutImmediatelyToEveryRingAtOnce() {
        // When
        ChatReply reply = as("sam", "feature set ci_kill_switch true --immediate --reason=\"incident 12\"");

        // Then
        assertThat(reply.ok()).as(reply.text()).isTrue();
        assertThat(reply.text()).contains("ci_kill_switch → on, immediate up to ring 3, by sam (incident 12)")
                .contains("• ring 3 (stable): 6 cells, at once");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                rollouts.find(reply.rolloutId()).orElseThrow().state() == RolloutState.COMPLETED);
        assertThat(fleet.cell("st-6").orElseThrow().flag("ci_kill_switch").orElseThrow().enabled()).isTrue();
    }

    @Test
    void incidentsNeedAnSre() {
        // When
        ChatReply engineer = as("alice", "incident open --ring=2");
        ChatReply sre = as("sam", "incident open --ring=2 --severity=sev1 --title=\"Checkout 5xx\""
                + " --link=https://status.example.com/i/4");

        // Then
        assertThat(engineer.refusal().code()).isEqualTo("forbidden");
        assertThat(engineer.text()).contains("needs the sre role");
        assertThat(sre.ok()).as(sre.text()).isTrue();
        assertThat(sre.text()).isEqualTo("Incident " + sre.incidentId() + " opened on ring 2 (sev1) by sam: Checkout"
                + " 5xx https://status.example.com/i/4\nGradual rollouts will not enter ring 2 until `incident close "
                + sre.incidentId() + "`.");
        assertThat(incidents.find(sre.incidentId()).orElseThrow().openedBy()).isEqualTo("sam");

        // And closing it
        ChatReply closed = as("sam", "incident close " + sre.incidentId());
        assertThat(closed.text()).isEqualTo("Incident " + sre.incidentId() + " on ring 2 closed by sam.");
        assertThat(audit.requests()).extracting(AuditRequest::action, AuditRequest::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("incident open", 403),
                org.assertj.core.groups.Tuple.tuple("incident open", 200),
                org.assertj.core.groups.Tuple.tuple("incident close", 200));
    }

    @Test
    void anUnmappedUserMayOnlyAskForHelp() {
        // When
        ChatReply help = as("U0NOBODY", "help");
        ChatReply read = as("U0NOBODY", "feature get new_search_ui");
        ChatReply set = as("U0NOBODY", "feature set new_search_ui true");

        // Then
        assertThat(help.ok()).isTrue();
        assertThat(help.inChannel()).as("help is for the one who asked").isFalse();
        for (ChatReply refused : java.util.List.of(read, set)) {
            assertThat(refused.refusal().code()).isEqualTo("forbidden");
            assertThat(refused.text()).isEqualTo("You are not mapped to a Ripple user (U0NOBODY), so only `help` works"
                    + " for you. Ask a Ripple admin to map you to a role (ripple.chatops.users.\"U0NOBODY\".roles).");
        }
        assertThat(audit.requests()).as("only the attempted change is audited").singleElement()
                .satisfies(a -> assertThat(a.principal().name()).isEqualTo("U0NOBODY"));
    }

    // ---- refusals from the services, as one line -------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "feature set nope true                          | unknown-flag-definition    | Refused: no flag 'nope' in rings/flags/",
            "feature set new_search_ui true --ring=9        | ring-out-of-range          | Refused: ring 9 is not a ring to roll out to; choose one of [0, 1, 2, 3]",
            "feature set new_search_ui true --user=a --ring=1 | actor-change-not-outermost | Refused: an actor change must reach every ring (up to ring 3)",
            "feature set new_search_ui true --cell=qa-1     | cell-not-in-quarantine     | Refused: only cells of the quarantine ring can be targeted one by one; not in quarantine: qa-1 (ring 0)",
            "feature set new_search_ui true --cell=zz-9     | bad-parameter              | Refused: no cell 'zz-9' in rings/",
            "feature set new_search_ui true --issue=ftp://x | bad-parameter              | Refused: rolloutIssue must be an http(s) URL",
            "feature get no_such_flag                       | unknown-flag               | Refused: no flag 'no_such_flag' is defined in rings/ or set on any cell",
            "rollout status 999999                          | unknown-rollout            | Refused: no rollout 999999; `rollouts` lists the newest",
            "rollout pause 999999                           | unknown-rollout            | Refused: no rollout 999999",
            "incident close 999999                          | unknown-incident           | Refused: no incident '999999'",
            "incident open --ring=9                         | invalid-field              | Refused: no ring 9 in rings/",
            "incident open --ring=1 --severity=sev9         | invalid-field              | Refused: severity must be one of sev1, sev2, sev3, sev4",
            "feature set new_search_ui maybe                | invalid-command            | VALUE must be true, false or a percentage from 0 to 100, got 'maybe'\\nUsage: feature set NAME VALUE",
    })
    void aRefusalIsOneClearLine(String text, String code, String reply) {
        // When
        ChatReply refused = as("sam", text);

        // Then
        assertThat(refused.ok()).isFalse();
        assertThat(refused.refusal().code()).isEqualTo(code);
        assertThat(refused.text()).startsWith(reply.replace("\\n", "\n"));
        assertThat(refused.inChannel()).isFalse();
    }

    @Test
    void aSecondRolloutOfTheSameFlagIsRefusedNamingTheActiveOne() {
        // Given
        long first = as("alice", "feature set new_search_ui 25 --actors").rolloutId();

        // When
        ChatReply second = as("alice", "feature set new_search_ui 50 --actors");

        // Then
        assertThat(second.refusal().code()).isEqualTo("rollout-active");
        assertThat(second.refusal().status()).isEqualTo(409);
        assertThat(second.text()).isEqualTo("Refused: flag 'new_search_ui' already has an active rollout: " + first
                + " (`rollout status " + first + "`)");
    }

    @Test
    void anOperationThatDoesNotFitTheStateIsRefusedWithTheState() {
        // Given
        long id = as("alice", "feature set new_search_ui 25 --actors").rolloutId();
        as("alice", "rollout abort " + id);

        // When
        ChatReply reply = as("alice", "rollout resume " + id);

        // Then
        assertThat(reply.refusal().code()).isEqualTo("operation-not-allowed");
        assertThat(reply.text()).startsWith("Refused: ");
        assertThat(reply.refusal().details()).containsEntry("state", "aborted");
    }

    // ---- replies -------------------------------------------------------------------------------------------------

    @Test
    void aDryRunShowsThePlanAndStartsNothing() {
        // When
        ChatReply reply = as("alice", "feature set new_search_ui 25 --actors --ring=1 --dry-run");

        // Then
        assertThat(reply.ok()).as(reply.text()).isTrue();
        assertThat(reply.text()).isEqualTo("Dry run, nothing started: new_search_ui → 25% of actors, gradual up to"
                + " ring 1\n"
                + "• ring 0 (qa): 1 cell, bake 1h, checks: error-ratio (halt 0.01, rollback 0.03); now: 1× on\n"
                + "• ring 1 (early-adopters): 3 cells, bake 1h, checks: error-ratio (halt 0.01, rollback 0.03),"
                + " admin-latency-p99 (halt 1.5); now: 3× 50% of actors");
        assertThat(rollouts.activeFor("new_search_ui")).isEmpty();
        assertThat(audit.requests()).as("a dry run changes nothing").isEmpty();
    }

    @Test
    void featureGetShowsEachRingAndTheActiveRollout() {
        // Given
        long id = as("alice", "feature set new_search_ui 25 --actors --ring=1").rolloutId();

        // When
        ChatReply reply = as("vera", "feature get new_search_ui");

        // Then
        assertThat(reply.text()).isEqualTo("new_search_ui (derisk, @search-team): New search results page\n"
                + "• ring -1 (quarantine): unset (1 cell)\n"
                + "• ring 0 (qa): on (1 cell)\n"
                + "• ring 1 (early-adopters): 50% of actors (3 cells)\n"
                + "• ring 2 (general): off (4 cells)\n"
                + "• ring 3 (stable): off (6 cells)\n"
                + "Active rollout: " + id + " (`rollout status " + id + "`)");
    }

    @Test
    void rolloutStatusAndOperationsSayWhereTheRolloutStands() {
        // Given
        long id = as("alice", "feature set new_search_ui 25 --actors --ring=1").rolloutId();

        // When
        ChatReply paused = as("alice", "rollout pause " + id + " --reason=\"lunch\"");
        ChatReply status = as("vera", "rollout status " + id);
        ChatReply list = as("vera", "rollouts --active");

        // Then
        assertThat(paused.text()).startsWith("Rollout " + id + ": pause by alice.\nRollout " + id
                + ": new_search_ui → 25% of actors, gradual up to ring 1, by alice\nState: paused");
        assertThat(status.text()).startsWith("Rollout " + id + ": new_search_ui → 25% of actors, gradual up to"
                + " ring 1, by alice\nState: paused at ring 0 (qa)").contains("\nRings: 0 qa paused · 1 early-adopters waiting");
        assertThat(list.text()).isEqualTo("Active rollouts, newest first:\n• " + id + " new_search_ui → 25% of actors"
                + " up to ring 1 · paused at ring 0 · alice");
        assertThat(audit.requests()).extracting(AuditRequest::action).containsExactly("feature set", "rollout pause");
    }

    @Test
    void rolloutsListsTheNewestFirst() {
        // Given
        long older = as("alice", "feature set new_search_ui 25 --actors --ring=1").rolloutId();
        long newer = as("sam", "feature set ci_kill_switch true --immediate").rolloutId();

        // When
        ChatReply list = as("vera", "rollouts");

        // Then
        assertThat(list.text()).startsWith("Rollouts, newest first:\n• " + newer + " ci_kill_switch → on up to ring 3 · ")
                .contains("\n• " + older + " new_search_ui → 25% of actors up to ring 1 · ");
    }
}
