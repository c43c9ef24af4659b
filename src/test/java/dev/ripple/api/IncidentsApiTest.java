package dev.ripple.api;

import dev.ripple.incidents.ActiveIncident;
import dev.ripple.incidents.Incident;
import dev.ripple.incidents.IncidentService;
import dev.ripple.incidents.IncidentView;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import dev.ripple.testing.Tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** Incidents opened and closed through the API, and what the rollout engine sees of them. */
@QuarkusTest
class IncidentsApiTest {
    @Inject
    IncidentView view;
    @Inject
    IncidentService service;

    /** No test leaves an open incident behind to block another test's rollout. */
    @AfterEach
    void closeWhatWasOpened() {
        service.list(true, 0).stream().filter(i -> Incident.SOURCE_API.equals(i.source()))
                .forEach(i -> service.close(i.id(), "cleanup"));
    }

    @Test
    void opensAnIncidentAndAnswersWhereItIs() {
        // When
        ValidatableResponse created = Tokens.as(Tokens.SRE).contentType(ContentType.JSON)
                .body("{\"ring\":2,\"severity\":\"sev1\",\"title\":\"Checkout errors\","
                        + "\"link\":\"https://status.example.com/incidents/7?tab=timeline\",\"openedBy\":\"alice\"}")
                .post("/api/v1/incidents").then();

        // Then
        String id = created.statusCode(201)
                .header("Location", containsString("/api/v1/incidents/"))
                .body("ring", equalTo(2)).body("severity", equalTo("sev1"))
                .body("title", equalTo("Checkout errors"))
                .body("link", equalTo("https://status.example.com/incidents/7?tab=timeline"))
                .body("source", equalTo("api")).body("active", equalTo(true))
                .body("openedBy", equalTo("test-sre")).body("since", notNullValue())
                .body("closedAt", nullValue())
                .extract().path("id");
        assertThat(created.extract().header("Location")).endsWith("/api/v1/incidents/" + id);
        Tokens.as(Tokens.SRE).get("/api/v1/incidents/" + id).then().statusCode(200)
                .body("title", equalTo("Checkout errors")).body("openedBy", equalTo("test-sre"));
    }

    @Test
    void theSameIdempotencyKeyOpensOneIncident() {
        // Given
        String body = "{\"ring\":1,\"severity\":\"sev2\",\"title\":\"Retried by a bot\"}";
        String id = Tokens.as(Tokens.SRE).contentType(ContentType.JSON).header("Idempotency-Key", "page-4711")
                .body(body).post("/api/v1/incidents").then().statusCode(201).extract().path("id");

        // When
        ValidatableResponse again = Tokens.as(Tokens.SRE).contentType(ContentType.JSON)
                .header("Idempotency-Key", "page-4711").body(body).post("/api/v1/incidents").then();
        ValidatableResponse different = Tokens.as(Tokens.SRE).contentType(ContentType.JSON)
                .header("Idempotency-Key", "page-4711").body(body.replace("Retried", "Other"))
                .post("/api/v1/incidents").then();

        // Then
        again.statusCode(200).body("id", equalTo(id));
        different.statusCode(422).contentType("application/problem+json")
                .body("code", equalTo("idempotency-key-reused"));
        assertThat(service.list(true, 0)).filteredOn(i -> i.title().equals("Retried by a bot")).hasSize(1);
    }

    @Test
    void anOpenIncidentBlocksItsRingOnly() {
        // Given
        String id = open(2, "Payments degraded");

        // When
        List<ActiveIncident> ring2 = view.activeOn(2);
        List<ActiveIncident> ring1 = view.activeOn(1);

        // Then
        assertThat(ring2).extracting(ActiveIncident::id).contains(id);
        assertThat(ring2).filteredOn(i -> i.id().equals(id)).singleElement()
                .satisfies(i -> assertThat(i.describe()).isEqualTo("incident " + id + " (sev2, api): Payments degraded"));
        assertThat(ring1).extracting(ActiveIncident::id).doesNotContain(id);
    }

    @Test
    void listsActiveIncidentsNewestFirst() {
        // Given
        String older = open(1, "First");
        String newer = open(3, "Second");

        // When
        ValidatableResponse list = Tokens.as(Tokens.SRE).get("/api/v1/incidents").then();

        // Then
        list.statusCode(200).body("total", equalTo(2))
                .body("incidents.id", equalTo(List.of(newer, older)))
                .body("incidents.source", equalTo(List.of("api", "api")));
    }

    @Test
    void closingAnIncidentUnblocksItsRing() {
        // Given
        String id = open(2, "Fixed soon");

        // When
        ValidatableResponse closed = Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body("{\"closedBy\":\"bob\"}")
                .post("/api/v1/incidents/" + id + "/close").then();

        // Then
        closed.statusCode(200).body("active", equalTo(false)).body("closedBy", equalTo("test-sre"))
                .body("closedAt", notNullValue());
        assertThat(view.activeOn(2)).extracting(ActiveIncident::id).doesNotContain(id);
        Tokens.as(Tokens.SRE).get("/api/v1/incidents").then().body("incidents.id", not(hasItem(id)));
        Tokens.as(Tokens.SRE).get("/api/v1/incidents?all=true").then().body("incidents.id", hasItem(id));
    }

    @Test
    void closingAClosedIncidentIsAConflict() {
        // Given
        String id = open(1, "Twice");
        service.close(id, "bob");

        // When
        ValidatableResponse again = Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body("{\"closedBy\":\"carol\"}")
                .post("/api/v1/incidents/" + id + "/close").then();

        // Then
        again.statusCode(409).contentType("application/problem+json")
                .body("code", equalTo("incident-closed")).body("detail", containsString("closed by bob"));
    }

    @Test
    void anUnknownIncidentIsNotFound() {
        // When
        ValidatableResponse unknown = Tokens.as(Tokens.SRE).get("/api/v1/incidents/424242").then();

        // Then
        unknown.statusCode(404).contentType("application/problem+json").body("code", equalTo("unknown-incident"));
    }

    @Test
    void closingAnUnknownIncidentIsNotFound() {
        // When
        ValidatableResponse unknown = Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body("{\"closedBy\":\"bob\"}")
                .post("/api/v1/incidents/am-nothing/close").then();

        // Then
        unknown.statusCode(404).body("code", equalTo("unknown-incident"));
    }

    @Test
    void severityDefaultsToSev2AndIgnoresCase() {
        // When
        ValidatableResponse defaulted = Tokens.as(Tokens.SRE).contentType(ContentType.JSON)
                .body("{\"ring\":0,\"title\":\"No severity\",\"openedBy\":\"alice\"}").post("/api/v1/incidents").then();
        ValidatableResponse upper = Tokens.as(Tokens.SRE).contentType(ContentType.JSON)
                .body("{\"ring\":0,\"severity\":\"SEV3\",\"title\":\"Loud\",\"openedBy\":\"alice\"}")
                .post("/api/v1/incidents").then();

        // Then
        defaulted.statusCode(201).body("severity", equalTo("sev2")).body("link", nullValue());
        upper.statusCode(201).body("severity", equalTo("sev3"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"ring\":9,\"title\":\"t\",\"openedBy\":\"a\"}                        | ring     | no ring 9",
            "{\"title\":\"t\",\"openedBy\":\"a\"}                                   | ring     | ring is required",
            "{\"ring\":1,\"severity\":\"sev5\",\"title\":\"t\",\"openedBy\":\"a\"}  | severity | sev1, sev2, sev3, sev4",
            "{\"ring\":1,\"link\":\"ftp://x.example\",\"title\":\"t\",\"openedBy\":\"a\"} | link | http(s) URL",
            "{\"ring\":1,\"link\":\"not a url\",\"title\":\"t\",\"openedBy\":\"a\"}  | link     | http(s) URL",
            "{\"ring\":1,\"link\":\"https://u:p@x.example\",\"title\":\"t\",\"openedBy\":\"a\"} | link | without user",
            "{\"ring\":1,\"title\":\" \",\"openedBy\":\"a\"}                        | title    | title is required",
    })
    void refusesABadFieldNamingIt(String body, String field, String reason) {
        // When
        ValidatableResponse refused = Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body(body).post("/api/v1/incidents").then();

        // Then
        refused.statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("invalid-field")).body("field", equalTo(field))
                .body("detail", containsString(reason));
    }

    @Test
    void refusesAnOverlongTitle() {
        // When
        ValidatableResponse refused = Tokens.as(Tokens.SRE).contentType(ContentType.JSON)
                .body("{\"ring\":1,\"title\":\"" + "x".repeat(201) + "\",\"openedBy\":\"a\"}")
                .post("/api/v1/incidents").then();

        // Then
        refused.statusCode(400).body("field", equalTo("title")).body("detail", containsString("200 characters"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"{\"ring\":2,", "{\"ring\":\"two\",\"title\":\"t\",\"openedBy\":\"a\"}", "''"})
    void refusesABodyThatIsNotTheExpectedJson(String body) {
        // When
        ValidatableResponse refused = Tokens.as(Tokens.SRE).contentType(ContentType.JSON).body(body).post("/api/v1/incidents").then();

        // Then
        refused.statusCode(400).contentType("application/problem+json").body("code", equalTo("malformed-body"));
    }

    @Test
    void refusesABadLimit() {
        // When
        ValidatableResponse refused = Tokens.as(Tokens.SRE).get("/api/v1/incidents?all=true&limit=0").then();

        // Then
        refused.statusCode(400).body("code", equalTo("bad-parameter")).body("parameter", equalTo("limit"));
    }

    private static String open(int ring, String title) {
        return Tokens.as(Tokens.SRE).contentType(ContentType.JSON)
                .body("{\"ring\":" + ring + ",\"title\":\"" + title + "\",\"openedBy\":\"alice\"}")
                .post("/api/v1/incidents").then().statusCode(201).extract().path("id");
    }
}
