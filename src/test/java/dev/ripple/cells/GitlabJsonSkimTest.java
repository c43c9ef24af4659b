package dev.ripple.cells;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.flags.ObservedFlag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The byte walk that finds one flag in a list answer must answer exactly what the full parse answers. */
class GitlabJsonSkimTest {
    private static final JsonFactory JSON = new ObjectMapper().getFactory();
    private static final String[] NAMES = {"flag_a", "flag_b", "flag_c", "flag_ab", "flag_a_b", "a"};

    @Test
    void findsWhatTheFullParseFindsInThousandsOfGeneratedAnswers() throws IOException {
        // Given 5,000 list answers: features in any field order, nested definitions with their own "name",
        // spaces and newlines, escapes in descriptions and names, duplicates, empty lists
        Random random = new Random(20261122);
        int walked = 0;
        for (int n = 0; n < 5_000; n++) {
            String body = answer(random);
            String wanted = NAMES[random.nextInt(NAMES.length)];

            // When one flag is looked up by the walk and by the parser
            Answer answer = Answer.of(body.getBytes(StandardCharsets.UTF_8));
            Optional<ObservedFlag> expected = GitlabJson.findFlagParsing(JSON, answer, wanted);
            int[] at = GitlabJson.Skim.locate(answer.bytes(), answer.length(), wanted);
            walked += at == GitlabJson.Skim.USE_PARSER ? 0 : 1;

            // Then both agree
            assertThat(GitlabJson.findFlag(JSON, answer, wanted)).as(body).isEqualTo(expected);
        }
        // ... and the walk answered most of them itself (the rest had escaped names it leaves to the parser)
        assertThat(walked).isGreaterThan(4_000);
    }

    @Test
    void anAnswerCutAnywhereIsAnErrorNeverAFlagOrItsAbsence() {
        // Given an answer with the wanted flag early in it
        String body = "[{\"name\":\"flag_a\",\"state\":\"on\",\"gates\":[{\"key\":\"boolean\",\"value\":true}]},"
                + "{\"name\":\"flag_b\",\"state\":\"off\",\"gates\":[{\"key\":\"boolean\",\"value\":false}],"
                + "\"definition\":{\"name\":\"flag_b\",\"type\":\"ops\"}}]";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

        // When it is cut after any byte, then looking up either flag fails
        for (int cut = 0; cut < bytes.length; cut++) {
            Answer cutAnswer = new Answer(bytes, cut);
            for (String wanted : List.of("flag_a", "flag_b", "flag_c")) {
                assertThatThrownBy(() -> GitlabJson.findFlag(JSON, cutAnswer, wanted)).as("cut at %d", cut)
                        .isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void escapesInDescriptionsAndLinksAreSteppedOverNotHandedToTheParser() throws IOException {
        // Given an answer as Rails writes it: & escaped in a link, quotes escaped in a description
        String body = "[{\"name\":\"flag_b\",\"state\":\"off\",\"gates\":[{\"key\":\"boolean\",\"value\":false}],"
                + "\"definition\":{\"name\":\"flag_b\",\"introduced_by_url\":\"https://x/y?a=1\\u0026b=2\","
                + "\"description\":\"says \\\"name\\\":\\\"flag_a\\\"\"}},"
                + "{\"name\":\"flag_a\",\"state\":\"on\",\"gates\":[{\"key\":\"boolean\",\"value\":true}]}]";
        Answer answer = Answer.of(body.getBytes(StandardCharsets.UTF_8));

        // When flag_a is looked up
        int[] at = GitlabJson.Skim.locate(answer.bytes(), answer.length(), "flag_a");

        // Then the walk found it itself, past the escaped text that mentions it, and agrees with the parser
        assertThat(at).isNotSameAs(GitlabJson.Skim.USE_PARSER).isNotSameAs(GitlabJson.Skim.ABSENT);
        assertThat(GitlabJson.findFlag(JSON, answer, "flag_a"))
                .isEqualTo(GitlabJson.findFlagParsing(JSON, answer, "flag_a")).isPresent();
    }

    @Test
    void anElementThatIsNotAFeatureIsRefusedAsTheParserRefusesIt() {
        for (String body : List.of("[1]", "[\"flag_a\"]", "[[]]", "[{\"state\":\"on\"}]", "{}", "[{\"name\":1}]",
                "[{\"name\":\"flag_a\"}] x", "[{\"name\":\"flag_a\"]]")) {
            Answer answer = Answer.of(body.getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> GitlabJson.findFlag(JSON, answer, "flag_a")).as(body)
                    .isInstanceOf(IOException.class);
        }
    }

    private static String answer(Random random) {
        List<String> features = new ArrayList<>();
        int count = random.nextInt(6);
        for (int i = 0; i < count; i++) {
            features.add(feature(random));
        }
        String space = random.nextInt(4) == 0 ? " \n" : "";
        return space + "[" + space + String.join("," + space, features) + space + "]" + space;
    }

    private static String feature(Random random) {
        String name = NAMES[random.nextInt(NAMES.length)];
        String nameText = random.nextInt(20) == 0 ? name.replace("a", "\\u0061") : name;
        List<String> fields = new ArrayList<>();
        String colon = random.nextInt(5) == 0 ? " : " : ":";
        fields.add("\"name\"" + colon + "\"" + nameText + "\"");
        fields.add("\"state\"" + colon + "\"" + (random.nextBoolean() ? "on" : "conditional") + "\"");
        StringBuilder gates = new StringBuilder("[{\"key\":\"boolean\",\"value\":" + random.nextBoolean() + "}");
        if (random.nextBoolean()) {
            gates.append(",{\"key\":\"percentage_of_actors\",\"value\":").append(random.nextInt(101)).append("}");
        }
        if (random.nextBoolean()) {
            gates.append(",{\"key\":\"actors\",\"value\":[\"User:1\",\"Project:{2}\"]}");
        }
        fields.add("\"gates\"" + colon + gates.append("]"));
        if (random.nextBoolean()) {
            String description = random.nextInt(4) == 0 ? "says \\\"name\\\": [{x}]" : "about {name} [and] more";
            fields.add("\"definition\":{\"name\":\"" + NAMES[random.nextInt(NAMES.length)] + "\",\"description\":\""
                    + description + "\",\"milestone\":\"17.0\",\"default_enabled\":false}");
        }
        java.util.Collections.shuffle(fields, random);
        return "{" + String.join(",", fields) + "}";
    }
}
