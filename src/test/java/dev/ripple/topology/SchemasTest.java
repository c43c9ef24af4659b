package dev.ripple.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The editor schemas describe what the loader accepts. No JSON Schema validator is on the classpath, so this checks
 * the schemas against the loader's own key lists, and that every example file points at its schema.
 */
class SchemasTest {
    private static final Path SCHEMAS = Path.of("src/main/resources/META-INF/resources/schema");
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void ringSchemaHasTheLoadersKeys() throws IOException {
        JsonNode ring = schema("ring");
        assertShape(ring, RingFile.ROOT);
        assertShape(ring.at("/properties/policy"), RingFile.POLICY);
        assertShape(ring.at("/properties/cells/items"), RingFile.CELL);
        assertShape(ring.at("/$defs/checkRule"), Policies.RULE);
        assertThat(texts(ring.at("/properties/cells/items/properties/adapter/enum"))).isEqualTo(RingFile.ADAPTERS);
        assertThat(ring.at("/properties/cells/items/properties/id/pattern").asText())
                .isEqualTo(RingFile.CELL_ID.pattern());
    }

    @Test
    void flagSchemaHasTheLoadersKeys() throws IOException {
        JsonNode flag = schema("flag");
        assertShape(flag, FlagFile.ROOT);
        assertShape(flag.at("/properties/links"), FlagFile.LINKS);
        assertShape(flag.at("/properties/rollout"), FlagFile.ROLLOUT);
        assertShape(flag.at("/$defs/checkRule"), Policies.RULE);
        assertThat(texts(flag.at("/properties/type/enum"))).containsExactly("derisk", "ops", "experiment");
        assertThat(flag.at("/properties/name/pattern").asText()).isEqualTo(FlagFile.NAME.pattern());
    }

    @Test
    void checksSchemaHasTheLoadersKeys() throws IOException {
        JsonNode checks = schema("checks");
        assertShape(checks, ChecksFile.ROOT);
        assertShape(checks.at("/properties/checks/additionalProperties"), ChecksFile.CHECK);
        assertThat(checks.at("/properties/checks/propertyNames/pattern").asText())
                .isEqualTo(ChecksFile.NAME.pattern());
    }

    @Test
    void everyFieldIsDescribed() throws IOException {
        for (String name : List.of("ring", "flag", "checks")) {
            List<String> undescribed = new ArrayList<>();
            collectUndescribed(schema(name), "", undescribed);
            assertThat(undescribed).as(name + ".schema.json").isEmpty();
        }
    }

    @Test
    void everyExampleFilePointsAtItsSchema() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("rings"))) {
            List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml")).toList();
            assertThat(yaml).hasSize(9).allSatisfy(f -> {
                String kind = f.getParent().getFileName().toString().equals("topology") ? "ring"
                        : f.getParent().getFileName().toString().equals("flags") ? "flag" : "checks";
                String first = Files.readAllLines(f).get(0);
                assertThat(first).startsWith("# yaml-language-server: $schema=").endsWith(kind + ".schema.json");
                Path target = f.getParent().resolve(first.substring(first.indexOf('=') + 1)).normalize();
                assertThat(target).isEqualTo(SCHEMAS.resolve(kind + ".schema.json"));
            });
        }
    }

    private JsonNode schema(String name) throws IOException {
        JsonNode schema = json.readTree(SCHEMAS.resolve(name + ".schema.json").toFile());
        assertThat(schema.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        return schema;
    }

    private static void assertShape(JsonNode object, Fields.Shape shape) {
        assertThat(object.path("additionalProperties").asBoolean(true)).isFalse();
        List<String> properties = new ArrayList<>();
        object.path("properties").fieldNames().forEachRemaining(properties::add);
        assertThat(properties).containsExactlyInAnyOrderElementsOf(shape.all());
        assertThat(texts(object.path("required"))).containsExactlyInAnyOrderElementsOf(shape.required());
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    private static void collectUndescribed(JsonNode node, String at, List<String> undescribed) {
        JsonNode properties = node.path("properties");
        for (Iterator<String> it = properties.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            JsonNode property = properties.get(key);
            if (!property.hasNonNull("description")) {
                undescribed.add(at + "/" + key);
            }
            collectUndescribed(property, at + "/" + key, undescribed);
            collectUndescribed(property.path("items"), at + "/" + key + "[]", undescribed);
            collectUndescribed(property.path("additionalProperties"), at + "/" + key + "/*", undescribed);
        }
        node.path("$defs").fields().forEachRemaining(e -> collectUndescribed(e.getValue(), "$defs/" + e.getKey(),
                undescribed));
    }
}
