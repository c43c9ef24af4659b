package dev.ripple.cells;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.flags.ActorKind;
import dev.ripple.flags.GateChange;
import dev.ripple.flags.ObservedFlag;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the gitlab adapter encodes changes and reads answers, without a network. */
class GitlabWireFormatTest {

    @Test
    void encodesEachKindOfChangeAsGitlabsFormParameters() {
        assertThat(GitlabCellAdapter.form(new GateChange.SetBoolean(true))).containsEntry("value", List.of("true"));
        assertThat(GitlabCellAdapter.form(new GateChange.SetPercentage(GateChange.PercentageKind.ACTORS,
                new BigDecimal("25.0"))))
                .containsEntry("value", List.of("25")).containsEntry("key", List.of("percentage_of_actors"));
        assertThat(GitlabCellAdapter.form(new GateChange.SetPercentage(GateChange.PercentageKind.TIME,
                new BigDecimal("12.50"))))
                .containsEntry("value", List.of("12.5")).containsEntry("key", List.of("percentage_of_time"));
        assertThat(GitlabCellAdapter.form(new GateChange.SetActors(ActorKind.FEATURE_GROUP, List.of("gitlab_team_members"), true)))
                .containsEntry("value", List.of("true")).containsEntry("feature_group", List.of("gitlab_team_members"));
        assertThat(GitlabCellAdapter.form(new GateChange.SetActors(ActorKind.PROJECT, List.of("a/b", "c/d"), false)))
                .containsEntry("value", List.of("false")).containsEntry("project", List.of("a/b,c/d"));
    }

    @Test
    void readsGatesWithDecimalAndIntegerPercentages() throws Exception {
        String body = """
                {"name":"new_search_ui","state":"conditional","gates":[
                  {"key":"boolean","value":false},
                  {"key":"percentage_of_actors","value":25},
                  {"key":"percentage_of_time","value":12.5},
                  {"key":"actors","value":["User:42","Project:278964"]},
                  {"key":"groups","value":["gitlab_team_members"]},
                  {"key":"expression","value":"something newer"}],
                 "definition":null}""";
        ObservedFlag flag = GitlabJson.parseFlag(new ObjectMapper().getFactory(), body.getBytes(StandardCharsets.UTF_8));
        assertThat(flag.name()).isEqualTo("new_search_ui");
        assertThat(flag.gates().enabled()).isFalse();
        assertThat(flag.gates().percentageOfActors()).isEqualByComparingTo("25");
        assertThat(flag.gates().percentageOfTime()).isEqualByComparingTo("12.5");
        assertThat(flag.gates().actors()).containsExactly("Project:278964", "User:42");
        assertThat(flag.gates().groups()).containsExactly("gitlab_team_members");
        assertThat(flag.gates().describe()).isEqualTo("25% of actors + 12.5% of time + 2 actors + feature group gitlab_team_members");
    }

    @Test
    void readsAListWhateverTheOrderOfKeysAndSkipsWhatItDoesNotKnow() throws Exception {
        String body = """
                [{"definition":{"name":"a","nested":{"x":[1,2]}},"gates":[{"value":true,"key":"boolean"}],"name":"a"},
                 {"name":"b","state":"off","gates":[{"key":"boolean","value":false},
                   {"value":"33.3","key":"percentage_of_time"}]}]""";
        List<ObservedFlag> flags = GitlabJson.parseFlagList(new ObjectMapper().getFactory(),
                Answer.of(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(flags).extracting(ObservedFlag::name).containsExactly("a", "b");
        assertThat(flags.get(0).gates().enabled()).isTrue();
        assertThat(flags.get(1).gates().percentageOfTime()).isEqualByComparingTo("33.3");
    }

    @Test
    void findsOneFlagInAListWhateverTheOrderOfKeys() throws Exception {
        // Given a list where one flag names itself after its gates, and another's definition is called like it
        String body = """
                [{"name":"a","gates":[{"key":"boolean","value":true}],"definition":{"name":"b"}},
                 {"gates":[{"value":"33.3","key":"percentage_of_time"},{"key":"actors","value":["User:1"]}],
                  "definition":null,"name":"b"},
                 {"name":"bb","gates":[{"key":"boolean","value":true}]}]""";

        // When each name is looked for
        // Then only the named flag is found, with its gates, and a flag the cell lacks is empty
        assertThat(find(body, "b")).hasValueSatisfying(f -> {
            assertThat(f.name()).isEqualTo("b");
            assertThat(f.gates().percentageOfTime()).isEqualByComparingTo("33.3");
            assertThat(f.gates().actors()).containsExactly("User:1");
        });
        assertThat(find(body, "a")).hasValueSatisfying(f -> assertThat(f.gates().enabled()).isTrue());
        assertThat(find(body, "absent")).isEmpty();
        assertThat(find("[]", "a")).isEmpty();
    }

    @Test
    void findingOneFlagStillReadsTheWholeAnswer() {
        // Given answers that are cut, garbled or not a list after the flag looked for
        List<String> bodies = List.of(
                "[{\"name\":\"a\",\"gates\":[]},{\"name\":\"b\",\"gat",
                "[{\"name\":\"a\",\"gates\":[]},{\"gates\":[]}]",
                "[{\"name\":\"a\",\"gates\":[]},42]",
                "[{\"name\":\"a\",\"gates\":[]}] trailing",
                "{\"message\":\"hi\"}");

        // When "a" is looked for, Then each is refused
        for (String body : bodies) {
            assertThatThrownBy(() -> find(body, "a")).as(body).isInstanceOf(java.io.IOException.class);
        }
    }

    private static java.util.Optional<ObservedFlag> find(String body, String name) throws java.io.IOException {
        return GitlabJson.findFlag(new ObjectMapper().getFactory(), Answer.of(body.getBytes(StandardCharsets.UTF_8)),
                name);
    }

    @Test
    void refusesADocumentThatIsNotAFeatureList() {
        assertThatThrownBy(() -> GitlabJson.parseFlagList(new ObjectMapper().getFactory(),
                Answer.of("{\"message\":\"hi\"}".getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("expected a JSON array");
        assertThatThrownBy(() -> GitlabJson.parseFlagList(new ObjectMapper().getFactory(),
                Answer.of("[{\"gates\":[]}]".getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("without a name");
    }

    @Test
    void turnsGitlabRefusalBodiesIntoTheirReason() {
        assertThat(GitlabCellAdapter.refusalReason("{\"message\":\"400 Bad request - Not a percentage\"}"))
                .isEqualTo("Not a percentage");
        assertThat(GitlabCellAdapter.refusalReason("{\"error\":\"value is missing\"}")).isEqualTo("value is missing");
        assertThat(GitlabCellAdapter.refusalReason("<html>oops</html>")).isEqualTo("<html>oops</html>");
    }
}
