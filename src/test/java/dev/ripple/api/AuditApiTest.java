package dev.ripple.api;

import dev.ripple.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Every mutating API request lands in the audit trail, refused ones too; the trail is read page by page. */
@QuarkusTest
class AuditApiTest {

    private static Map<String, Object> dryRun(String flag) {
        Map<String, Object> body = new HashMap<>();
        body.put("flag", flag);
        body.put("change", Map.of("type", "on"));
        body.put("upToRing", 1);
        body.put("mode", "gradual");
        body.put("reason", "audit test");
        return body;
    }

    private static Map<String, Object> immediate(Map<String, Object> body) {
        body.put("mode", "immediate");
        return body;
    }

    /** The newest request entry. */
    private static JsonPath newestRequest() {
        return Tokens.as(Tokens.VIEWER).get("/api/v1/audit?kind=request&limit=1").then().statusCode(200)
                .extract().jsonPath().setRootPath("items[0]");
    }

    @Test
    void aMutatingRequestIsRecordedWithWhatWasAskedAndHowItEnded() {
        // When
        Tokens.as(Tokens.ENGINEER).contentType(ContentType.JSON).body(dryRun("ci_kill_switch"))
                .post("/api/v1/rollouts?dryRun=true").then().statusCode(200);

        // Then
        JsonPath entry = newestRequest();
        assertThat(entry.getString("kind")).isEqualTo("request");
        assertThat(entry.getString("action")).isEqualTo("POST /api/v1/rollouts?dryRun=true");
        assertThat(entry.getString("channel")).isEqualTo("api");
        assertThat(entry.getInt("status")).isEqualTo(200);
        assertThat(entry.getString("outcome")).isEqualTo("ok");
        assertThat(entry.getString("flag")).isEqualTo("ci_kill_switch");
        assertThat(JsonPath.from(entry.getString("request")).getString("reason")).isEqualTo("audit test");
        assertThat(entry.getString("at")).isNotNull();
        assertThat(entry.getString("principal")).isEqualTo("test-engineer");
        assertThat(entry.getString("role")).isEqualTo("engineer");
        assertThat(entry.getString("via")).isNull();
    }

    @Test
    void callersWithoutATokenOrWithoutTheRoleAreRecordedWithTheirRefusal() {
        // When a call comes without a token, with a token Ripple does not know, and from a viewer
        given().contentType(ContentType.JSON).body(dryRun("ci_kill_switch")).post("/api/v1/rollouts")
                .then().statusCode(401);
        JsonPath anonymous = newestRequest();
        Tokens.as("no-such-token").contentType(ContentType.JSON).body(dryRun("ci_kill_switch"))
                .post("/api/v1/rollouts").then().statusCode(401);
        JsonPath unknown = newestRequest();
        Tokens.as(Tokens.VIEWER).contentType(ContentType.JSON).body(dryRun("ci_kill_switch"))
                .post("/api/v1/rollouts").then().statusCode(403);
        JsonPath viewer = newestRequest();
        Tokens.as(Tokens.ENGINEER).contentType(ContentType.JSON).body(immediate(dryRun("ci_kill_switch")))
                .post("/api/v1/rollouts").then().statusCode(403);
        JsonPath engineer = newestRequest();

        // Then each refusal is in the trail, with who it was (as far as Ripple could tell) and why
        assertThat(anonymous.getString("principal")).isEqualTo("anonymous");
        assertThat(anonymous.getInt("status")).isEqualTo(401);
        assertThat(anonymous.getString("outcome")).startsWith("unauthenticated: ");
        assertThat(unknown.getString("principal")).isEqualTo("anonymous");
        assertThat(unknown.getInt("status")).isEqualTo(401);
        assertThat(viewer.getString("principal")).isEqualTo("test-viewer");
        assertThat(viewer.getString("role")).isEqualTo("viewer");
        assertThat(viewer.getString("outcome")).startsWith("forbidden: test-viewer lacks the role");
        assertThat(engineer.getString("principal")).isEqualTo("test-engineer");
        assertThat(engineer.getString("outcome")).isEqualTo(
                "forbidden: test-engineer may not start an immediate rollout: that needs the sre role");
        assertThat(JsonPath.from(engineer.getString("request")).getString("mode")).isEqualTo("immediate");
    }

    @Test
    void theTrailIsReadByViewersAndEveryRoleAboveThem() {
        given().get("/api/v1/audit").then().statusCode(401).body("code", equalTo("unauthenticated"));
        Tokens.as(Tokens.BOT).get("/api/v1/audit").then().statusCode(403).body("code", equalTo("forbidden"));
        for (String token : List.of(Tokens.VIEWER, Tokens.ENGINEER, Tokens.SRE, Tokens.ADMIN)) {
            Tokens.as(token).get("/api/v1/audit?limit=1").then().statusCode(200);
        }
    }

    @Test
    void aRefusedRequestIsRecordedWithTheProblemItGot() {
        // When
        Tokens.as(Tokens.ENGINEER).contentType(ContentType.JSON).body(dryRun("no_such_flag"))
                .post("/api/v1/rollouts").then().statusCode(400);

        // Then
        JsonPath entry = newestRequest();
        assertThat(entry.getString("action")).isEqualTo("POST /api/v1/rollouts");
        assertThat(entry.getInt("status")).isEqualTo(400);
        assertThat(entry.getString("outcome")).startsWith("unknown-flag-definition: no flag 'no_such_flag'");
        assertThat(entry.getString("flag")).isEqualTo("no_such_flag");
    }

    @Test
    void aBodyThatIsNotJsonIsRecordedByItsSizeOnly() {
        // When
        Tokens.as(Tokens.ENGINEER).contentType(ContentType.JSON).body("{\"flag\": \"x\", \"token\": \"s3cr")
                .post("/api/v1/rollouts").then().statusCode(400);

        // Then
        JsonPath entry = newestRequest();
        assertThat(entry.getString("request")).isEqualTo("(not valid JSON, 28 bytes)");
        assertThat(entry.getString("outcome")).startsWith("malformed-body: ");
    }

    @Test
    void secretsInTheBodyAndTheQueryAreMasked() {
        // Given a request carrying secret-looking fields, nested ones included, and a token in its query
        Map<String, Object> body = dryRun("ci_kill_switch");
        body.put("apiToken", "tok-0001-do-not-keep");
        body.put("extra", Map.of("Password", "pw-0002-do-not-keep", "list", List.of(Map.of("client_secret", "s-3"))));

        // When
        Tokens.as(Tokens.ENGINEER).contentType(ContentType.JSON).body(body)
                .post("/api/v1/rollouts?dryRun=true&access_token=q-0004-do-not-keep").then().statusCode(200);

        // Then
        JsonPath entry = newestRequest();
        assertThat(entry.getString("action")).isEqualTo("POST /api/v1/rollouts?dryRun=true&access_token=***");
        JsonPath recorded = JsonPath.from(entry.getString("request"));
        assertThat(recorded.getString("apiToken")).isEqualTo("***");
        assertThat(recorded.getString("extra.Password")).isEqualTo("***");
        assertThat(recorded.getString("extra.list[0].client_secret")).isEqualTo("***");
        assertThat(recorded.getString("flag")).isEqualTo("ci_kill_switch");
        assertThat(entry.prettify()).doesNotContain("do-not-keep");
    }

    @Test
    void readsAreNotRecordedAndTheTrailCannotBeChanged() {
        // Given
        long newest = newestRequest().getLong("id");

        // When reading, then trying to delete and to write the trail
        Tokens.as(Tokens.VIEWER).get("/api/v1/rollouts").then().statusCode(200);
        Tokens.as(Tokens.ADMIN).delete("/api/v1/audit").then().statusCode(405);
        Tokens.as(Tokens.ADMIN).contentType(ContentType.JSON).body("{}").post("/api/v1/audit").then().statusCode(405);

        // Then only the two refused attempts were recorded
        List<String> actions = Tokens.as(Tokens.VIEWER).get("/api/v1/audit?kind=request&limit=10").then()
                .extract().jsonPath().getList("items.findAll { it.id > " + newest + " }.action");
        assertThat(actions).containsExactly("POST /api/v1/audit", "DELETE /api/v1/audit");
    }

    @Test
    void pagesGoNewestFirstAndTheCursorCarriesOn() {
        // Given
        for (int i = 0; i < 3; i++) {
            Tokens.as(Tokens.ENGINEER).contentType(ContentType.JSON).body(dryRun("ci_kill_switch"))
                    .post("/api/v1/rollouts?dryRun=true").then().statusCode(200);
        }

        // When
        JsonPath first = Tokens.as(Tokens.VIEWER).get("/api/v1/audit?kind=request&flag=ci_kill_switch&limit=2")
                .then().statusCode(200).extract().jsonPath();
        JsonPath second = Tokens.as(Tokens.VIEWER).get("/api/v1/audit?kind=request&flag=ci_kill_switch&limit=2"
                + "&before=" + first.getLong("nextBefore")).then().statusCode(200).extract().jsonPath();

        // Then
        List<Long> ids = first.getList("items.id", Long.class);
        assertThat(ids).hasSize(2).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(first.getLong("nextBefore")).isEqualTo(ids.get(1));
        assertThat(second.getList("items.id", Long.class)).isNotEmpty().allMatch(id -> id < ids.get(1));
        assertThat(second.getList("items.flag", String.class)).containsOnly("ci_kill_switch");
    }

    @Test
    void filtersNarrowTheTrail() {
        // Given
        Tokens.as(Tokens.ENGINEER).contentType(ContentType.JSON).body(dryRun("ci_kill_switch"))
                .post("/api/v1/rollouts?dryRun=true").then().statusCode(200);
        String principal = newestRequest().getString("principal");

        // Then
        Tokens.as(Tokens.VIEWER).get("/api/v1/audit?principal=" + principal + "&limit=5").then().statusCode(200)
                .body("items.principal.unique()", equalTo(List.of(principal)));
        Tokens.as(Tokens.VIEWER).get("/api/v1/audit?since=" + Instant.now().plusSeconds(3600)).then()
                .statusCode(200).body("items", equalTo(List.of())).body("nextBefore", equalTo(null));
        Tokens.as(Tokens.VIEWER).get("/api/v1/audit?cell=qa-1&kind=request").then().statusCode(200)
                .body("items", equalTo(List.of()));
    }

    @Test
    void malformedFiltersAreRefused() {
        for (String query : List.of("kind=gate_change", "limit=0", "limit=501", "since=yesterday", "ring=one",
                "before=x")) {
            Tokens.as(Tokens.VIEWER).get("/api/v1/audit?" + query).then().statusCode(400)
                    .body("code", equalTo("bad-parameter"));
        }
    }

    @Test
    void onTheChatOpsEndpointsOnlyRefusalsChatOpsDidNotRecordAreRecordedHere() {
        // Given
        long newest = newestRequest().getLong("id");
        String command = "{\"text\": \"feature set x true\", \"user\": \"alice\"}";

        // When ChatOps refuses a command it records, something is refused before ChatOps sees a command, and a
        // chat request succeeds without anything to record (a read)
        given().contentType(ContentType.JSON).body(command)
                .post("/api/v1/chatops/audit-probe?status=403&record=true").then().statusCode(403);
        given().contentType(ContentType.JSON).body(command)
                .post("/api/v1/chatops/audit-probe?status=401&record=false").then().statusCode(401);
        given().contentType(ContentType.JSON).body(command)
                .post("/api/v1/chatops/audit-probe?status=200&record=false").then().statusCode(200);

        // Then the command is in the trail once, under the chat user, and the refusal ChatOps never saw is there too
        List<Map<String, Object>> entries = Tokens.as(Tokens.VIEWER).get("/api/v1/audit?kind=request&limit=10")
                .then().extract().jsonPath().getList("items.findAll { it.id > " + newest + " }");
        assertThat(entries).extracting(e -> e.get("channel"), e -> e.get("principal"), e -> e.get("via"),
                        e -> e.get("action"), e -> e.get("status"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("api", "anonymous", null,
                                "POST /api/v1/chatops/audit-probe?status=401&record=false", 401),
                        org.assertj.core.groups.Tuple.tuple("chat", "alice", "probe-bot", "feature set", 403));
        assertThat(entries.get(1).get("request")).isEqualTo("feature set x true");
        assertThat(entries.get(1).get("role")).isEqualTo("engineer");
    }
}
