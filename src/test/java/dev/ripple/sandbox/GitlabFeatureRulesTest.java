package dev.ripple.sandbox;

import dev.ripple.flags.Gates;
import dev.ripple.sandbox.GitlabFeatureRules.Applied;
import dev.ripple.sandbox.GitlabFeatureRules.InvalidParams;
import dev.ripple.sandbox.GitlabFeatureRules.Outcome;
import dev.ripple.sandbox.GitlabFeatureRules.Refused;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every rule of {@code gitlab-features-api.md} for {@code POST /api/v4/features/:name}, with GitLab's exact answer. */
class GitlabFeatureRulesTest {
    private static final Gates ON = Gates.OFF.withEnabled(true);
    private static final Gates MIXED = Gates.OFF.withPercentageOfActors(BigDecimal.valueOf(25))
            .withActors(new TreeSet<>(List.of("User:alice"))).withGroups(new TreeSet<>(List.of("beta_testers")));
    private static final Gates ALICE = Gates.OFF.withActors(new TreeSet<>(List.of("User:alice")));
    private static final Gates ALICE_OPTED_OUT = Gates.OFF.withActors(new TreeSet<>(List.of("User:alice:opt_out")));

    private static final String FLAG_ON = flag("on", "{\"key\":\"boolean\",\"value\":true}");
    private static final String FLAG_OFF = flag("off", "{\"key\":\"boolean\",\"value\":false}");

    static Stream<Arguments> rules() {
        return Stream.of(
                // Global: fully on, whatever key says, clearing every other gate.
                row("true turns a new flag on", null, p("value", "true"), 201, FLAG_ON),
                row("100 is fully on even as percentage of actors", null,
                        p("value", "100", "key", "percentage_of_actors"), 201, FLAG_ON),
                row("100.0 is fully on", null, p("value", "100.0"), 201, FLAG_ON),
                row("true clears every other gate", MIXED, p("value", "true"), 201, FLAG_ON),
                // Global: off removes every gate, actor gates included; the flag stays persisted.
                row("false removes every gate", MIXED, p("value", "false"), 201, FLAG_OFF),
                row("0 as percentage of time is off", MIXED, p("value", "0", "key", "percentage_of_time"), 201, FLAG_OFF),
                row("0.0 is off", ON, p("value", "0.0"), 201, FLAG_OFF),
                // Percentages.
                row("percentage of actors", null, p("value", "25", "key", "percentage_of_actors"), 201,
                        flag("conditional", "{\"key\":\"boolean\",\"value\":false}",
                                "{\"key\":\"percentage_of_actors\",\"value\":25}")),
                row("a bare number is percentage of time", null, p("value", "25"), 201,
                        flag("conditional", "{\"key\":\"boolean\",\"value\":false}",
                                "{\"key\":\"percentage_of_time\",\"value\":25}")),
                row("decimals are kept as decimals", null, p("value", "12.5", "key", "percentage_of_time"), 201,
                        flag("conditional", "{\"key\":\"boolean\",\"value\":false}",
                                "{\"key\":\"percentage_of_time\",\"value\":12.5}")),
                row("whole decimals come back as integers", null, p("value", "25.0", "key", "percentage_of_actors"), 201,
                        flag("conditional", "{\"key\":\"boolean\",\"value\":false}",
                                "{\"key\":\"percentage_of_actors\",\"value\":25}")),
                row("a percentage leaves the other gates alone", MIXED, p("value", "10"), 201,
                        flag("conditional", "{\"key\":\"boolean\",\"value\":false}",
                                "{\"key\":\"percentage_of_actors\",\"value\":25}",
                                "{\"key\":\"percentage_of_time\",\"value\":10}",
                                "{\"key\":\"actors\",\"value\":[\"User:alice\"]}",
                                "{\"key\":\"groups\",\"value\":[\"beta_testers\"]}")),
                row("percentage of actors on a fully-enabled flag", ON,
                        p("value", "25", "key", "percentage_of_actors"), 400,
                        message("Cannot enable percentage of actors for a fully-enabled flag")),
                row("percentage of time on a fully-enabled flag", ON, p("value", "25"), 400,
                        message("Cannot enable percentage of time for a fully-enabled flag")),
                row("not a number with a key", null, p("value", "half", "key", "percentage_of_actors"), 400,
                        message("Not a percentage")),
                row("not a number without a key", null, p("value", "half"), 400, message("Cannot set 'f' to half")),
                row("over 100", null, p("value", "101"), 400, message("Cannot set 'f' to 101")),
                row("over 100 with a key", null, p("value", "100.5", "key", "percentage_of_actors"), 400,
                        message("Cannot set 'f' to 100.5")),
                row("negative", null, p("value", "-5"), 400, message("Cannot set 'f' to -5")),
                // Parameter errors, Grape's shape.
                row("value missing", null, p("key", "percentage_of_actors"), 400, error("value is missing")),
                row("key with an actor", null, p("value", "true", "key", "percentage_of_actors", "user", "alice"), 400,
                        error("key, user are mutually exclusive")),
                row("every parameter error at once", null, p("key", "percentage_of_time", "project", "g/p"), 400,
                        error("value is missing, key, project are mutually exclusive")),
                // Actors, each kind as its Flipper id.
                row("users, comma-separated", null, p("value", "true", "user", "alice, bob"), 201,
                        actorsFlag("\"User:alice\",\"User:bob\"")),
                row("project", null, p("value", "true", "project", "group/proj"), 201, actorsFlag("\"Project:group/proj\"")),
                row("group", null, p("value", "true", "group", "gitlab-org"), 201, actorsFlag("\"Group:gitlab-org\"")),
                row("namespace", null, p("value", "true", "namespace", "alice"), 201,
                        actorsFlag("\"Namespaces::UserNamespace:alice\"")),
                row("repository", null, p("value", "100", "repository", "group/proj"), 201,
                        actorsFlag("\"Repository:group/proj\"")),
                row("feature group goes to the groups gate", null, p("value", "true", "feature_group", "beta_testers"), 201,
                        flag("conditional", "{\"key\":\"boolean\",\"value\":false}",
                                "{\"key\":\"groups\",\"value\":[\"beta_testers\"]}")),
                row("an actor on a fully-enabled flag", ON, p("value", "true", "user", "alice"), 201,
                        flag("on", "{\"key\":\"boolean\",\"value\":true}",
                                "{\"key\":\"actors\",\"value\":[\"User:alice\"]}")),
                row("false removes the actor", ALICE, p("value", "false", "user", "alice"), 201, FLAG_OFF),
                row("0 removes the actor", ALICE, p("value", "0", "user", "alice"), 201, FLAG_OFF),
                row("opt_out", ALICE, p("value", "opt_out", "user", "alice"), 201,
                        actorsFlag("\"User:alice\",\"User:alice:opt_out\"")),
                row("remove_opt_out", ALICE_OPTED_OUT, p("value", "remove_opt_out", "user", "alice"), 201, FLAG_OFF),
                row("enabling an opted-out actor", ALICE_OPTED_OUT, p("value", "true", "user", "alice"), 400,
                        message("Opt-out exists for User:alice - remove opt-out before enabling")),
                row("unknown actor", null, p("value", "true", "user", "missing-bob"), 400,
                        message("missing-bob is not found!")),
                row("a percentage for an actor", null, p("value", "50", "user", "alice"), 400,
                        message("Cannot set 'f' to 50")),
                row("a feature group cannot opt out", null, p("value", "opt_out", "feature_group", "beta_testers"), 400,
                        message("Cannot set 'f' to opt_out")),
                row("force changes nothing else", null, p("value", "true", "force", "true"), 201, FLAG_ON));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void answersAsGitlabDoes(String rule, Gates current, Map<String, String> params, int status, String body) {
        // When
        Outcome outcome = GitlabFeatureRules.post("f", current, params);

        // Then
        assertThat(outcome.status()).isEqualTo(status);
        assertThat(body(outcome)).isEqualTo(body);
    }

    @Test
    void refusesAnInvalidFlagName() {
        // When
        Outcome outcome = GitlabFeatureRules.post(Map.of(), "New-Search", p("value", "true"));

        // Then
        assertThat(outcome).isEqualTo(new InvalidParams("name is invalid"));
        assertThat(body(outcome)).isEqualTo(error("name is invalid"));
    }

    @Test
    void oneUnknownActorChangesNothing() {
        // Given
        Map<String, Gates> flags = Map.of("f", ALICE);

        // When
        Outcome outcome = GitlabFeatureRules.post(flags, "f", p("value", "false", "user", "alice,missing-carol"));

        // Then
        assertThat(outcome).isEqualTo(new Refused("missing-carol is not found!"));
    }

    @Test
    void readsTheFlagFromTheCellsMap() {
        // Given
        Map<String, Gates> flags = Map.of("f", ON, "g", Gates.OFF);

        // When
        Outcome outcome = GitlabFeatureRules.post(flags, "f", p("value", "10"));

        // Then
        assertThat(outcome).isInstanceOf(Refused.class);
    }

    private static String body(Outcome outcome) {
        if (outcome instanceof Applied applied) {
            return FeatureJson.flag("f", applied.gates(), null).encode();
        }
        return outcome instanceof Refused refused ? refused.body() : ((InvalidParams) outcome).body();
    }

    private static Arguments row(String rule, Gates current, Map<String, String> params, int status, String body) {
        return arguments(rule, current, params, status, body);
    }

    private static Map<String, String> p(String... keysAndValues) {
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            params.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return params;
    }

    private static String flag(String state, String... gates) {
        return "{\"name\":\"f\",\"state\":\"" + state + "\",\"gates\":[" + String.join(",", gates) + "],\"definition\":null}";
    }

    private static String actorsFlag(String actors) {
        return flag("conditional", "{\"key\":\"boolean\",\"value\":false}", "{\"key\":\"actors\",\"value\":[" + actors + "]}");
    }

    private static String message(String reason) {
        return "{\"message\":\"400 Bad request - " + reason + "\"}";
    }

    private static String error(String reason) {
        return "{\"error\":\"" + reason + "\"}";
    }
}
