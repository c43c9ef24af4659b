package dev.ripple.chatops;

import dev.ripple.rollout.ChangeSpec;
import dev.ripple.rollout.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The chat grammar: every command and option, and what a malformed command answers. */
class CommandParserTest {

    private static ChatCommand.FeatureChange change(String text) {
        return (ChatCommand.FeatureChange) CommandParser.parse(text);
    }

    private static ChangeSpec spec(String text) {
        return ChangeSpec.of(change(text).change());
    }

    // ---- feature get / list --------------------------------------------------------------------------------------

    @Test
    void featureGetNamesOneFlag() {
        assertThat(CommandParser.parse("feature get new_search_ui"))
                .isEqualTo(new ChatCommand.FeatureGet("new_search_ui"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "feature list                 | NULL",
            "feature list --match search  | search",
            "feature list --match=search  | search",
            "feature list --match \"new search\" | new search",
    })
    void featureListTakesAnOptionalMatch(String text, String match) {
        assertThat(CommandParser.parse(text)).isEqualTo(new ChatCommand.FeatureList(match));
    }

    @Test
    void commandWordsAreReadInAnyCase() {
        assertThat(CommandParser.parse("Feature GET new_search_ui"))
                .isEqualTo(new ChatCommand.FeatureGet("new_search_ui"));
    }

    // ---- feature set: values -------------------------------------------------------------------------------------

    @Test
    void trueAndFalseTurnTheFlagFullyOnOrOff() {
        assertThat(spec("feature set x true")).isEqualTo(new ChangeSpec("on", null, null, null));
        assertThat(spec("feature set x false")).isEqualTo(new ChangeSpec("off", null, null, null));
        assertThat(spec("feature set x TRUE")).isEqualTo(new ChangeSpec("on", null, null, null));
    }

    @Test
    void aPercentageWithActorsIsAPercentageOfActors() {
        assertThat(spec("feature set x 25 --actors"))
                .isEqualTo(new ChangeSpec("percentage-of-actors", new BigDecimal("25"), null, null));
    }

    @Test
    void aPercentageWithRandomIsAPercentageOfTime() {
        assertThat(spec("feature set x 12.5 --random"))
                .isEqualTo(new ChangeSpec("percentage-of-time", new BigDecimal("12.5"), null, null));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--user=alice,bob                | user          | alice,bob",
            "--project=gitlab-org/gitlab     | project       | gitlab-org/gitlab",
            "--group=gitlab-org              | group         | gitlab-org",
            "--namespace=alice               | namespace     | alice",
            "--feature-group=gitlab_team_members | feature_group | gitlab_team_members",
            "--repository=gitlab-org/gitlab.wiki | repository | gitlab-org/gitlab.wiki",
            "--organization=default          | organization  | default",
            "--user alice                    | user          | alice",
            "--user=alice --user=bob,alice   | user          | alice,bob",
    })
    void trueWithAnActorOptionAddsThoseActorsAndFalseRemovesThem(String option, String kind, String actors) {
        List<String> names = List.of(actors.split(","));
        assertThat(spec("feature set x true " + option)).isEqualTo(new ChangeSpec("add-actors", null, kind, names));
        assertThat(spec("feature set x false " + option))
                .isEqualTo(new ChangeSpec("remove-actors", null, kind, names));
    }

    // ---- feature set: targeting and the rest ---------------------------------------------------------------------

    @Test
    void withoutOptionsAChangeIsGradualUpToTheOutermostRing() {
        ChatCommand.FeatureChange c = change("feature set x true");
        assertThat(c.verb()).isEqualTo("set");
        assertThat(c.flag()).isEqualTo("x");
        assertThat(c.ring()).isNull();
        assertThat(c.cells()).isEmpty();
        assertThat(c.immediate()).isFalse();
        assertThat(c.dryRun()).isFalse();
        assertThat(c.reason()).isNull();
        assertThat(c.issue()).isNull();
        assertThat(c.mutating()).isTrue();
        assertThat(c.action()).isEqualTo("feature set");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--ring=2", "--ring 2", "--RING=2"})
    void ringNamesTheOutermostRingToReach(String option) {
        assertThat(change("feature set x 25 --actors " + option).ring()).isEqualTo(2);
    }

    @Test
    void cellsTargetSingleQuarantineCellsRepeatedOrCommaSeparated() {
        assertThat(change("feature set x true --cell=q-1 --cell q-2").cells()).containsExactly("q-1", "q-2");
        assertThat(change("feature set x true --cell=q-1,q-2,q-1").cells()).containsExactly("q-1", "q-2");
    }

    @Test
    void immediateDryRunReasonAndIssueAreRead() {
        ChatCommand.FeatureChange c = change("feature set x false --immediate --dry-run"
                + " --reason=\"kill switch for incident 42\" --issue=https://gitlab.example.com/o/p/-/issues/1");
        assertThat(c.immediate()).isTrue();
        assertThat(c.dryRun()).isTrue();
        assertThat(c.mutating()).as("a dry run changes nothing").isFalse();
        assertThat(c.reason()).isEqualTo("kill switch for incident 42");
        assertThat(c.issue()).isEqualTo("https://gitlab.example.com/o/p/-/issues/1");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "feature set x true --reason=\"bad canary\"",
            "feature set x true --reason='bad canary'",
            "feature set x true \"--reason=bad canary\"",
            "feature set x true --reason \"bad canary\"",
            "feature set x true --reason=bad\\ canary",
            "feature set x true --reason=\u201Cbad canary\u201D",
            "feature set x true --reason=\u2018bad canary\u2019",
            "  feature   set x true   --reason=\"bad canary\"  ",
    })
    void quotesGroupWordsAsAShellDoes(String text) {
        assertThat(change(text).reason()).isEqualTo("bad canary");
    }

    @Test
    void aBackslashInsideDoubleQuotesKeepsTheNextCharacter() {
        assertThat(change("feature set x true --reason=\"say \\\"no\\\"\"").reason()).isEqualTo("say \"no\"");
    }

    @Test
    void featureDeleteIsADeleteChangeWithTheSameTargeting() {
        ChatCommand.FeatureChange c = change("feature delete old_flag --ring=1 --reason=cleanup --immediate");
        assertThat(c.verb()).isEqualTo("delete");
        assertThat(c.action()).isEqualTo("feature delete");
        assertThat(ChangeSpec.of(c.change())).isEqualTo(new ChangeSpec("delete", null, null, null));
        assertThat(c.ring()).isEqualTo(1);
        assertThat(c.immediate()).isTrue();
        assertThat(c.reason()).isEqualTo("cleanup");
    }

    // ---- rollouts and incidents ----------------------------------------------------------------------------------

    @Test
    void rolloutStatusNamesARollout() {
        assertThat(CommandParser.parse("rollout status 42")).isEqualTo(new ChatCommand.RolloutStatus(42));
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void everyOperationTakesAnIdAndAnOptionalReason(Operation operation) {
        assertThat(CommandParser.parse("rollout " + operation.wireName() + " 42"))
                .isEqualTo(new ChatCommand.RolloutOperation(operation, 42, null));
        assertThat(CommandParser.parse("rollout " + operation.wireName() + " 42 --reason=\"error budget\""))
                .isEqualTo(new ChatCommand.RolloutOperation(operation, 42, "error budget"));
    }

    @Test
    void rolloutsListsAllOrTheActiveOnes() {
        assertThat(CommandParser.parse("rollouts")).isEqualTo(new ChatCommand.RolloutList(false));
        assertThat(CommandParser.parse("rollouts --active")).isEqualTo(new ChatCommand.RolloutList(true));
    }

    @Test
    void incidentOpenNeedsARingAndTakesSeverityLinkAndTitle() {
        assertThat(CommandParser.parse("incident open --ring=2"))
                .isEqualTo(new ChatCommand.IncidentOpen(2, null, null, null));
        assertThat(CommandParser.parse("incident open --ring 0 --severity=sev1 --link=https://status.example.com/i/4"
                + " --title=\"Checkout 5xx\"")).isEqualTo(new ChatCommand.IncidentOpen(0, "sev1",
                "https://status.example.com/i/4", "Checkout 5xx"));
    }

    @Test
    void incidentCloseNamesAnIncident() {
        assertThat(CommandParser.parse("incident close 7")).isEqualTo(new ChatCommand.IncidentClose("7"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"help", "HELP", "", "   ", "help feature"})
    void helpAndNothingAtAllAnswerHelp(String text) {
        assertThat(CommandParser.parse(text)).isEqualTo(new ChatCommand.Help());
    }

    @Test
    void onlyChangesOperationsAndIncidentsAreMutating() {
        assertThat(CommandParser.parse("feature get x").mutating()).isFalse();
        assertThat(CommandParser.parse("feature list").mutating()).isFalse();
        assertThat(CommandParser.parse("rollout status 1").mutating()).isFalse();
        assertThat(CommandParser.parse("rollouts").mutating()).isFalse();
        assertThat(CommandParser.parse("help").mutating()).isFalse();
        assertThat(CommandParser.parse("feature delete x").mutating()).isTrue();
        assertThat(CommandParser.parse("rollout pause 1").mutating()).isTrue();
        assertThat(CommandParser.parse("incident open --ring=1").mutating()).isTrue();
        assertThat(CommandParser.parse("incident close 1").mutating()).isTrue();
    }

    // ---- malformed commands --------------------------------------------------------------------------------------

    /** Each malformed command, the one-line problem it answers, and which usage follows it. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "deploy now                                  | unknown command 'deploy'                                  | ALL",
            "feature                                     | feature needs a subcommand: get, list, set or delete      | FEATURE",
            "feature enable x                            | unknown feature subcommand 'enable'; one of get, list, set, delete | FEATURE",
            "feature get                                 | feature get needs the flag's NAME                         | FEATURE_GET",
            "feature get New-UI                          | 'New-UI' is not a flag name (lowercase letters, digits and underscores) | FEATURE_GET",
            "feature get a b                             | unexpected 'b'                                            | FEATURE_GET",
            "feature list --match                        | --match needs a value: --match=MATCH                      | FEATURE_LIST",
            "feature list extra                          | unexpected 'extra'                                        | FEATURE_LIST",
            "feature set x                               | feature set needs the flag's NAME and a VALUE (true, false or a percentage) | FEATURE_SET",
            "feature set x maybe                         | VALUE must be true, false or a percentage from 0 to 100, got 'maybe' | FEATURE_SET",
            "feature set x -5 --actors                   | VALUE must be true, false or a percentage from 0 to 100, got '-5' | FEATURE_SET",
            "feature set x 25                            | a percentage needs --actors (percentage of actors) or --random (percentage of time) | FEATURE_SET",
            "feature set x 150 --actors                  | percentage must be between 0 and 100, got 150             | FEATURE_SET",
            "feature set x 25 --actors --random          | --actors and --random cannot be combined: a percentage is of actors or of time | FEATURE_SET",
            "feature set x 25 --actors --user=alice      | --actors cannot be combined with --user: a percentage applies to everyone, --user names actors | FEATURE_SET",
            "feature set x true --random                 | --random goes with a percentage; true and false turn the flag fully on or off | FEATURE_SET",
            "feature set x 25 --project=a/b              | with --project, VALUE is true (add those actors) or false (remove them), not a percentage | FEATURE_SET",
            "feature set x true --user=a --project=b/c   | one kind of actor per command: --user and --project cannot be combined | FEATURE_SET",
            "feature set x true --user=                  | --user needs a value: --user=USER                         | FEATURE_SET",
            "feature set x true --user=a,,b              | --user needs actor names separated by commas, got 'a,,b'  | FEATURE_SET",
            "feature set x true --ring=two               | --ring must be a ring number, got 'two'                   | FEATURE_SET",
            "feature set x true --ring=1 --ring=2        | --ring is given twice                                     | FEATURE_SET",
            "feature set x 25 --actors --actors          | --actors is given twice                                   | FEATURE_SET",
            "feature set x true --ring=1 --cell=q-1      | --ring and --cell cannot be combined: --cell targets single cells of the quarantine ring, --ring rolls out ring by ring | FEATURE_SET",
            "feature set x true --cell=q-1,              | --cell needs a cell id, e.g. --cell=q-1                   | FEATURE_SET",
            "feature set x true --immediate=yes          | --immediate takes no value                                | FEATURE_SET",
            "feature set x true --force                  | unknown option --force for feature set                    | FEATURE_SET",
            "feature set x true --reason                 | --reason needs a value: --reason=REASON                   | FEATURE_SET",
            "feature set x true 3                        | unexpected '3'                                            | FEATURE_SET",
            "feature delete                              | feature delete needs the flag's NAME                      | FEATURE_DELETE",
            "feature delete x --user=alice               | unknown option --user for feature delete                  | FEATURE_DELETE",
            "rollout                                     | rollout needs an action and a rollout ID                  | ROLLOUT",
            "rollout stop 4                              | unknown rollout action 'stop'; one of status, pause, resume, promote, abort, rollback, retry | ROLLOUT",
            "rollout pause                               | rollout pause needs the rollout's ID                      | ROLLOUT",
            "rollout pause abc                           | 'abc' is not a rollout ID (a number, as `rollouts` lists them) | ROLLOUT",
            "rollout pause 4 5                           | unexpected '5'                                            | ROLLOUT",
            "rollout status 4 --reason=x                 | unknown option --reason for rollout status                | ROLLOUT",
            "rollouts --all                              | unknown option --all for rollouts                         | ROLLOUTS",
            "rollouts 4                                  | unexpected '4'                                            | ROLLOUTS",
            "incident                                    | incident needs a subcommand: open or close                | INCIDENT",
            "incident open                               | incident open needs --ring=N: the ring the incident is on | INCIDENT_OPEN",
            "incident open --ring=x                      | --ring must be a ring number, got 'x'                     | INCIDENT_OPEN",
            "incident open --ring=1 --owner=me           | unknown option --owner for incident open                  | INCIDENT_OPEN",
            "incident close                              | incident close needs the incident's ID                    | INCIDENT_CLOSE",
            "incident reopen 3                           | unknown incident subcommand 'reopen'; one of open, close  | INCIDENT",
            "feature set x true --reason=\"unterminated  | a double quote is never closed                            | ALL",
            "feature set x true --reason='unterminated   | a single quote is never closed                            | ALL",
            "feature set x true \\                       | the command ends with a lone backslash                    | ALL",
    })
    void aMalformedCommandSaysWhatWasWrongAndShowsTheUsage(String text, String problem, String usage) {
        // When
        InvalidCommand refused = catchThrowableOfType(InvalidCommand.class, () -> CommandParser.parse(text));

        // Then
        assertThat(refused).as("'%s' is refused", text).isNotNull();
        String lines = usage(usage);
        assertThat(refused.problem()).isEqualTo(problem);
        assertThat(refused.usage()).isEqualTo(lines);
        assertThat(refused.reply()).isEqualTo(problem + (lines.contains("\n") ? "\nUsage:\n" : "\nUsage: ") + lines);
    }

    @Test
    void thereAreAtLeastTwentyFiveMalformedInputs() throws NoSuchMethodException {
        CsvSource cases = getClass().getDeclaredMethod("aMalformedCommandSaysWhatWasWrongAndShowsTheUsage",
                String.class, String.class, String.class).getAnnotation(CsvSource.class);
        assertThat(cases.value()).hasSizeGreaterThanOrEqualTo(25);
    }

    @Test
    void parsingNeverThrowsAnythingButInvalidCommand() {
        for (String text : List.of("--", "feature set", "feature set x 1e3 --actors", "rollout retry 99999999999999999999",
                "incident open --ring=99999999999", "feature set x 25 --actors --ring=-", "\u201C", "\"\"")) {
            try {
                CommandParser.parse(text);
            } catch (InvalidCommand expected) {
                assertThat(expected.reply()).contains("Usage");
            }
        }
        assertThatThrownBy(() -> CommandParser.parse("feature set x 1e3 --actors")).isInstanceOf(InvalidCommand.class);
    }

    private static String usage(String name) {
        switch (name) {
            case "ALL":
                return String.join("\n", CommandParser.USAGE);
            case "FEATURE":
                return String.join("\n", CommandParser.FEATURE_GET, CommandParser.FEATURE_LIST,
                        CommandParser.FEATURE_SET, CommandParser.FEATURE_DELETE);
            case "INCIDENT":
                return CommandParser.INCIDENT_OPEN + "\n" + CommandParser.INCIDENT_CLOSE;
            default:
                try {
                    Field field = CommandParser.class.getField(name);
                    return (String) field.get(null);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError("no usage " + name, e);
                }
        }
    }
}
