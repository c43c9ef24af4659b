package dev.ripple.topology;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.ripple.testing.Tokens;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

/** Reloading rings/: a broken tree is refused with every problem while the last good one keeps serving. */
@QuarkusTest
@TestProfile(TempRingsProfile.class)
class TopologyReloadTest {
    private static final Path RING_1 = TempRingsProfile.DIR.resolve("topology/ring-1.yaml");
    private String original;

    @BeforeEach
    void remember() throws IOException {
        original = Files.readString(RING_1);
    }

    @AfterEach
    void restore() throws IOException {
        Files.writeString(RING_1, original);
        Tokens.as(Tokens.ADMIN).post("/api/v1/topology/reload").then().statusCode(200);
    }

    @Test
    void refusesABrokenTreeAndKeepsServingTheLastGoodOne() throws IOException {
        String version = Tokens.as(Tokens.ADMIN).get("/api/v1/topology").then().extract().path("version");
        Files.writeString(RING_1, original.replace("url: sandbox://ea-2", "url: htp:/nowhere")
                .replace("bake: 30m", "bake: soon"));

        Tokens.as(Tokens.ADMIN).post("/api/v1/topology/reload").then().statusCode(422)
                .contentType("application/problem+json")
                .body("code", equalTo("rings-invalid"))
                .body("problems", hasSize(2))
                .body("problems.file", hasItem("topology/ring-1.yaml"))
                .body("problems.path", hasItem("cells[1].url"))
                .body("problems.path", hasItem("policy.bake"))
                .body("problems.text", hasItem(containsString("topology/ring-1.yaml:")));

        Tokens.as(Tokens.ADMIN).get("/api/v1/topology").then().statusCode(200)
                .body("version", equalTo(version))
                .body("rings[2].cells.id", equalTo(List.of("ea-1", "ea-2", "ea-3")));
        Tokens.as(Tokens.ADMIN).get("/api/v1/topology/reload").then().body("applied", equalTo(false));
        Tokens.as(Tokens.ADMIN).get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'rings' }.data.lastReload", containsString("refused"));
    }

    @Test
    void picksUpAnEditedFileByItself() throws IOException {
        Files.writeString(RING_1, original + """
                  - id: ea-4
                    adapter: gitlab
                    url: sandbox://ea-4
                    credential: env:RIPPLE_SANDBOX_TOKEN
                """);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                Tokens.as(Tokens.ADMIN).get("/api/v1/topology").then().body("rings[2].cells.id",
                        equalTo(List.of("ea-1", "ea-2", "ea-3", "ea-4"))));
        // The sandbox fleet follows the topology, and Ripple reads a new cell without waiting for a refresh.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                Tokens.as(Tokens.ADMIN).get("/api/v1/cells/ea-4").then().body("reachability.status", equalTo("reachable")));
    }

    @Test
    void validatesAProposedTreeWithoutApplyingIt() throws IOException {
        Map<String, String> files = shippedTree();
        String version = Tokens.as(Tokens.ADMIN).get("/api/v1/topology").then().extract().path("version");

        Tokens.as(Tokens.ADMIN).contentType(ContentType.JSON).body(Map.of("files", files)).post("/api/v1/topology/validate")
                .then().statusCode(200).body("valid", equalTo(true)).body("cells", equalTo(15));

        files.put("flags/new_search_ui.yaml", files.get("flags/new_search_ui.yaml").replace("check: error-ratio",
                "check: error-rate"));
        Tokens.as(Tokens.ADMIN).contentType(ContentType.JSON).body(Map.of("files", files)).post("/api/v1/topology/validate")
                .then().statusCode(200).body("valid", equalTo(false))
                .body("problems[0].file", equalTo("flags/new_search_ui.yaml"))
                .body("problems[0].reason", containsString("error-rate"));
        Tokens.as(Tokens.ADMIN).get("/api/v1/topology").then().body("version", equalTo(version));
    }

    @Test
    void refusesAMalformedValidationRequest() {
        Tokens.as(Tokens.ADMIN).contentType(ContentType.JSON).body("{\"files\": [").post("/api/v1/topology/validate")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("malformed-body"));
        Tokens.as(Tokens.ADMIN).contentType(ContentType.JSON).body("{}").post("/api/v1/topology/validate")
                .then().statusCode(400).body("code", equalTo("malformed-body"));
        Tokens.as(Tokens.ADMIN).contentType(ContentType.JSON).body(Map.of("files", Map.of("../etc/passwd", "x")))
                .post("/api/v1/topology/validate").then().statusCode(400).body("code", equalTo("bad-parameter"));
    }

    private static Map<String, String> shippedTree() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(TempRingsProfile.DIR)) {
            for (Path f : walk.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".yaml")).toList()) {
                files.put(TempRingsProfile.DIR.relativize(f).toString().replace('\\', '/'), Files.readString(f));
            }
        }
        return files;
    }
}
