package dev.ripple.topology;

import dev.ripple.testing.RawApi;
import dev.ripple.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reloading generated broken {@code rings/} trees from disk into the running Ripple (docs/reliability.md, "Bad input
 * at volume"): each is refused with {@code 422 rings-invalid} and its problems, and the last good topology keeps
 * serving, same version, same rings and cells. One reload in twenty of the loader property's tries: each touches disk.
 */
@QuarkusTest
@TestProfile(TempRingsProfile.class)
class TopologyReloadPropertyTest {
    private static final Path DIR = TempRingsProfile.DIR;

    @AfterEach
    void restoreTheShippedTree() {
        replaceTree(shipped());
        Tokens.as(Tokens.ADMIN).post("/api/v1/topology/reload").then().statusCode(200);
    }

    @Test
    void aBrokenTreeIsRefusedAndTheLastGoodOneKeepsServing() {
        // Given
        Served before = served();
        Arbitrary<RingsTrees.Tree> broken = RingsTrees.trees().filter(t -> !t.valid());
        int tries = Math.max(50, RawApi.tries() / 20);

        // When / Then
        RawApi.forEach(broken, tries, RawApi.seed(), t -> t.mutation().name(), tree -> {
            replaceTree(tree.files());
            ExtractableResponse<Response> answer = Tokens.as(Tokens.ADMIN).post("/api/v1/topology/reload").then()
                    .extract();
            assertThat(answer.statusCode()).as("reload of %s: %s", tree, answer.asString()).isEqualTo(422);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.<String>path("code")).isEqualTo("rings-invalid");
            List<Map<String, Object>> problems = answer.path("problems");
            assertThat(problems).as("problems of %s", tree).isNotEmpty().allSatisfy(p -> {
                assertThat(String.valueOf(p.get("file"))).isNotBlank();
                assertThat(String.valueOf(p.get("reason"))).isNotBlank();
                assertThat(String.valueOf(p.get("text"))).startsWith(String.valueOf(p.get("file")));
            });
            assertThat(problems).extracting(p -> p.get("file")).as("%s", tree).contains(tree.file());
            assertThat(served()).as("what is served after refusing %s", tree).isEqualTo(before);
        });
    }

    /** What a reader of the topology sees: its version, and every ring with its cells. */
    record Served(String version, List<Object> rings, List<Object> cells) {
    }

    private static Served served() {
        ExtractableResponse<Response> topology = Tokens.as(Tokens.VIEWER).get("/api/v1/topology").then()
                .statusCode(200).extract();
        return new Served(topology.path("version"), topology.path("rings.id"), topology.path("rings.cells.id"));
    }

    private static Map<String, String> shipped() {
        Path source = Path.of("rings");
        try (Stream<Path> walk = Files.walk(source)) {
            Map<String, String> files = new java.util.TreeMap<>();
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                files.put(source.relativize(f).toString().replace('\\', '/'), Files.readString(f));
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void replaceTree(Map<String, String> files) {
        try (Stream<Path> walk = Files.walk(DIR)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(DIR)) {
                    Files.delete(p);
                }
            }
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path to = DIR.resolve(f.getKey());
                Files.createDirectories(to.getParent());
                Files.writeString(to, f.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
