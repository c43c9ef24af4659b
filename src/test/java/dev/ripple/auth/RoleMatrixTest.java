package dev.ripple.auth;

import dev.ripple.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint × every role. Each call is one a caller could make; mutating ones carry a body that fails
 * validation after the role check (an unknown flag, ring 99, an unknown id), so the matrix changes nothing while still
 * telling "let in" (any answer but 401/403) from "kept out" (401 without a token, 403 without the role).
 */
@QuarkusTest
class RoleMatrixTest {
    /** Who calls: no token, or one principal per role (application.properties, %test). */
    private static final Map<String, String> CALLERS = new LinkedHashMap<>();

    static {
        CALLERS.put("anonymous", null);
        CALLERS.put("viewer", Tokens.VIEWER);
        CALLERS.put("engineer", Tokens.ENGINEER);
        CALLERS.put("sre", Tokens.SRE);
        CALLERS.put("admin", Tokens.ADMIN);
        CALLERS.put("bot", Tokens.BOT);
    }

    private static final Set<String> READERS = Set.of("viewer", "engineer", "sre", "admin");
    private static final Set<String> ENGINEERS = Set.of("engineer", "sre");
    private static final Set<String> SRES = Set.of("sre");
    private static final Set<String> ADMINS = Set.of("admin");
    private static final Set<String> BOTS = Set.of("bot");

    private record Call(String method, String path, String body, Set<String> allowed) {
        @Override
        public String toString() {
            return method + " " + path + (body == null ? "" : " " + body);
        }
    }

    static List<Call> endpoints() {
        return List.of(
                new Call("GET", "/api/v1/topology", null, READERS),
                new Call("GET", "/api/v1/topology/reload", null, READERS),
                new Call("POST", "/api/v1/topology/reload", null, ADMINS),
                new Call("POST", "/api/v1/topology/validate", "{}", READERS),
                new Call("POST", "/api/v1/cache/refresh", null, ENGINEERS),
                new Call("GET", "/api/v1/flags", null, READERS),
                new Call("GET", "/api/v1/flags/new_search_ui", null, READERS),
                new Call("GET", "/api/v1/flags/new_search_ui/desired", null, READERS),
                new Call("GET", "/api/v1/cells", null, READERS),
                new Call("GET", "/api/v1/cells/qa-1", null, READERS),
                new Call("GET", "/api/v1/cells/qa-1/flags", null, READERS),
                new Call("GET", "/api/v1/rollouts", null, READERS),
                new Call("GET", "/api/v1/rollouts/999999", null, READERS),
                new Call("GET", "/api/v1/rollouts/999999/timeline", null, READERS),
                new Call("POST", "/api/v1/rollouts", rollout("gradual"), ENGINEERS),
                new Call("POST", "/api/v1/rollouts?dryRun=true", rollout("immediate"), ENGINEERS),
                new Call("POST", "/api/v1/rollouts", rollout("immediate"), SRES),
                new Call("POST", "/api/v1/rollouts/999999/pause", "{}", ENGINEERS),
                new Call("POST", "/api/v1/rollouts/999999/rollback", "{\"reason\":\"matrix\"}", ENGINEERS),
                new Call("GET", "/api/v1/incidents", null, READERS),
                new Call("GET", "/api/v1/incidents/999999", null, READERS),
                new Call("POST", "/api/v1/incidents", "{\"ring\":99,\"title\":\"matrix\"}", SRES),
                new Call("POST", "/api/v1/incidents/999999/close", null, SRES),
                new Call("GET", "/api/v1/tokens", null, ADMINS),
                new Call("POST", "/api/v1/tokens", "{\"principal\":\"x\",\"roles\":[\"kaiser\"]}", ADMINS),
                new Call("DELETE", "/api/v1/tokens/tok-000000000000", null, ADMINS),
                new Call("POST", "/api/v1/chatops/command", "{\"text\":\"matrix\",\"user\":\"alice\"}", BOTS));
    }

    private static String rollout(String mode) {
        return "{\"flag\":\"no_such_flag\",\"change\":{\"type\":\"on\"},\"upToRing\":1,\"mode\":\"" + mode + "\"}";
    }

    @TestFactory
    List<DynamicTest> everyEndpointForEveryRole() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Call call : endpoints()) {
            for (Map.Entry<String, String> caller : CALLERS.entrySet()) {
                String role = caller.getKey();
                tests.add(DynamicTest.dynamicTest(role + ": " + call, () -> {
                    // When
                    Response answer = send(caller.getValue(), call);

                    // Then
                    int status = answer.statusCode();
                    if (call.allowed().contains(role)) {
                        assertThat(status).as("%s let in", role).isNotIn(401, 403).isLessThan(500);
                    } else {
                        int expected = caller.getValue() == null ? 401 : 403;
                        assertThat(status).as("%s kept out", role).isEqualTo(expected);
                        assertThat(answer.contentType()).startsWith("application/problem+json");
                        assertThat(answer.jsonPath().getString("code"))
                                .isEqualTo(expected == 401 ? "unauthenticated" : "forbidden");
                    }
                }));
            }
        }
        return tests;
    }

    private static Response send(String token, Call call) {
        RequestSpecification request = token == null ? RestAssured.given() : Tokens.as(token);
        if (call.body() != null) {
            request = request.contentType(ContentType.JSON).body(call.body());
        }
        return request.request(call.method(), call.path());
    }
}
