package dev.ripple.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.sandbox.SandboxFleet;
import dev.ripple.testing.BadInputProfile;
import dev.ripple.testing.RawApi;
import dev.ripple.testing.Standing;
import dev.ripple.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The write API against ten thousand generated requests (docs/reliability.md, "Bad input at volume"): valid-looking
 * bodies for {@code POST /api/v1/rollouts}, rollout operations, incidents and tokens with one thing broken, and
 * broken JSON, wrong types, nulls, deep nesting, huge strings and wrong content types. Every refusal is a 4xx problem
 * document with a documented code naming what was wrong, nothing is ever a 5xx, and nothing changes: no rollout,
 * incident or token appears, no cell's gates move, and the one finished rollout stays as it was. Valid rollout bodies
 * go only to the dry run, which must answer 200 and start nothing.
 */
@QuarkusTest
@TestProfile(BadInputProfile.class)
class ApiPayloadsPropertyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FLAGS = List.of("new_search_ui", "pricing_page_experiment", "ci_kill_switch");

    @Inject
    SandboxFleet fleet;

    /**
     * One generated request and what must come back: {@code codes} the acceptable problem codes (empty: it must be
     * accepted with {@code 200}), {@code names} what the detail must contain (null: any detail).
     */
    record Call(String kind, String path, String token, String contentType, String body, Set<String> codes,
                String names) {
        @Override
        public String toString() {
            String shown = body == null ? "(no body)" : body.length() > 400 ? body.substring(0, 400) + "…(" + body
                    .length() + " chars)" : body;
            return kind + " POST " + path + " [" + contentType + "] " + shown;
        }
    }

    @Test
    void badPayloadsAreRefusedWithAProblemNamingThemAndChangeNothing() {
        // Given: one finished rollout to aim operations at, and what there is before
        RawApi api = new RawApi();
        long finished = finishedRollout();
        Standing before = Standing.of(fleet);
        Map<String, Integer> outcomes = new TreeMap<>();
        int tries = RawApi.tries();
        long seed = RawApi.seed();

        // When
        long started = System.nanoTime();
        RawApi.forEach(calls(finished), tries, seed, Call::kind, call -> {
            RawApi.Answer answer = api.post(call.path(), call.token(), call.contentType(), call.body());
            outcomes.merge(call.kind() + " " + answer.status(), 1, Integer::sum);
            assertThat(answer.status()).as("%s answered %s", call, answer.text()).isLessThan(500);
            if (call.codes().isEmpty()) {
                assertThat(answer.status()).as("%s answered %s", call, answer.text()).isEqualTo(200);
            } else {
                RawApi.assertRefused(answer, call.codes(), call.names(), call);
            }
        });
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // Then
        RawApi.report(getClass().getSimpleName(), "requests", tries, took, seed, outcomes);
        assertThat(Standing.of(fleet)).as("rollouts, incidents, tokens and gates").isEqualTo(before);
        Tokens.as(Tokens.VIEWER).get("/api/v1/rollouts/" + finished).then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("completed"));
    }

    private long finishedRollout() {
        int id = Tokens.as(Tokens.SRE).contentType("application/json")
                .body(Map.of("flag", "ci_kill_switch", "change", Map.of("type", "on"), "upToRing", 0,
                        "mode", "immediate", "reason", "a rollout for operations to be refused on"))
                .post("/api/v1/rollouts").then().statusCode(201).extract().path("id");
        await().atMost(Duration.ofSeconds(20)).until(() -> "completed".equals(Tokens.as(Tokens.VIEWER)
                .get("/api/v1/rollouts/" + id).then().extract().path("state")));
        return id;
    }



    // ---- generators ------------------------------------------------------------------------------------------------

    static Arbitrary<Call> calls(long finished) {
        return Arbitraries.frequencyOf(List.of(
                net.jqwik.api.Tuple.of(5, rollouts()),
                net.jqwik.api.Tuple.of(2, operations(finished)),
                net.jqwik.api.Tuple.of(2, incidents()),
                net.jqwik.api.Tuple.of(2, tokens())));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> codes(String... codes) {
        return Set.of(codes);
    }

    /** A body built by {@code edit} from a valid one, sent as JSON. */
    private static Call body(String kind, String path, String token, Map<String, Object> valid,
                             UnaryOperator<Map<String, Object>> edit, Set<String> codes, String names) {
        return new Call(kind, path, token, "application/json", json(edit.apply(new LinkedHashMap<>(valid))), codes,
                names);
    }

    private static Arbitrary<String> words() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12);
    }

    /** Values of the wrong JSON type for a field that takes a string or a number. */
    private static Arbitrary<Object> notAScalar() {
        return Arbitraries.of(Map.of("a", 1), List.of(), List.of(1, 2), Map.of());
    }

    private static String deep(int depth, String open, String close, String inner) {
        return open.repeat(depth) + inner + close.repeat(depth);
    }

    /** Bodies that are not the JSON object any endpoint takes; shared by every endpoint. */
    private static Arbitrary<Call> brokenJson(String path, String token, Map<String, Object> valid) {
        String text = json(valid);
        return Arbitraries.oneOf(
                Arbitraries.integers().between(1, text.length() - 1).map(cut -> new Call("truncated-json", path,
                        token, "application/json", text.substring(0, cut), codes("malformed-body"), null)),
                Arbitraries.of("[]", "42", "\"x\"", "null", "", "{", "}", "{\"a\":}", "{'flag':'x'}", "{\"a\":1,}",
                        "NaN", "{\"a\": NaN}", "\uFEFF{}", "{\"a\":\"\\ud800\"", "<xml/>").map(b -> new Call(
                        "not-an-object", path, token, "application/json", b, codes("malformed-body", "bad-parameter",
                        "invalid-change", "invalid-field", "operation-not-allowed"), null)),
                Arbitraries.integers().between(1_001, 20_000).map(depth -> new Call("deep-nesting", path, token,
                        "application/json", "{\"x\":" + deep(depth, "[", "]", "1") + "}",
                        codes("malformed-body"), null)),
                Arbitraries.integers().between(1_001, 20_000).map(depth -> new Call("deep-nesting", path, token,
                        "application/json", deep(depth, "{\"a\":", "}", "1"), codes("malformed-body"), null)),
                Arbitraries.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
                        "multipart/form-data; boundary=x", "application/octet-stream").map(type -> new Call(
                        "wrong-content-type", path, token, type, text, codes("unsupported-media-type"), null)));
    }

    // ---- POST /api/v1/rollouts -------------------------------------------------------------------------------------

    private static Arbitrary<Map<String, Object>> validRollout() {
        Arbitrary<Map<String, Object>> change = Arbitraries.oneOf(
                Arbitraries.of("on", "off", "delete").map(t -> Map.<String, Object>of("type", t)),
                Combinators.combine(Arbitraries.of("percentage-of-actors", "percentage-of-time"),
                        Arbitraries.bigDecimals().between(java.math.BigDecimal.ZERO, java.math.BigDecimal.valueOf(100))
                                .ofScale(2)).as((t, p) -> Map.<String, Object>of("type", t, "percentage", p)));
        return Combinators.combine(Arbitraries.of(FLAGS), change, Arbitraries.integers().between(0, 3),
                Arbitraries.of("gradual", "immediate")).as((flag, c, ring, mode) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("flag", flag);
            body.put("change", c);
            body.put("upToRing", ring);
            body.put("mode", mode);
            body.put("reason", "generated");
            return body;
        });
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        body.put(key, value);
        return body;
    }

    private static Map<String, Object> without(Map<String, Object> body, String key) {
        body.remove(key);
        return body;
    }

    private static Map<String, Object> change(Map<String, Object> body, String key, Object value) {
        Map<String, Object> change = new LinkedHashMap<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> old = (Map<String, Object>) body.get("change");
        change.putAll(old);
        if (value == null) {
            change.remove(key);
        } else {
            change.put(key, value);
        }
        body.put("change", change);
        return body;
    }

    private static Arbitrary<Call> rollouts() {
        return Combinators.combine(validRollout(), Arbitraries.of(true, false), Arbitraries.integers()
                .between(0, 1_000_000)).flatAs((valid, dry, n) -> {
            String path = "/api/v1/rollouts" + (dry ? "?dryRun=true" : "");
            String t = Tokens.SRE;
            return Arbitraries.oneOf(
                    // accepted: only as a dry run
                    Arbitraries.of(Map.of("requestedBy", "mallory"), Map.of("extra", List.of(1, Map.of("b", "c"))),
                            Map.of("reason", "ünïcødé ✓ " + "\uD83D\uDE80".repeat(100)),
                            Map.of("reason", "x".repeat(100_000))).map(extra -> {
                        Map<String, Object> body = new LinkedHashMap<>(valid);
                        body.putAll(extra);
                        return new Call("valid-dry-run", "/api/v1/rollouts?dryRun=true", t, "application/json",
                                json(body), Set.of(), null);
                    }),
                    words().map(w -> body("unknown-flag", path, t, valid, b -> with(b, "flag", "zz_" + w),
                            codes("unknown-flag-definition"), "zz_" + w)),
                    Arbitraries.of("Nope", "a-b", "новый", "x".repeat(5000), " ").map(f -> body("bad-flag-name", path,
                            t, valid, b -> with(b, "flag", f), codes("unknown-flag-definition", "bad-parameter"),
                            "flag")),
                    notAScalar().map(v -> body("flag-wrong-type", path, t, valid, b -> with(b, "flag", v),
                            codes("malformed-body"), "flag")),
                    Arbitraries.of(true, false).map(drop -> body("flag-missing", path, t, valid,
                            b -> drop ? without(b, "flag") : with(b, "flag", null), codes("bad-parameter"), "flag")),
                    Arbitraries.of(4, 5, 99, -1, -2, -100, Integer.MAX_VALUE, Integer.MIN_VALUE).map(r -> body(
                            "ring-out-of-range", path, t, valid, b -> with(b, "upToRing", r),
                            codes("ring-out-of-range"), "upToRing")),
                    Arbitraries.of((Object) "two", Map.of(), List.of(1), "", 1e20, "99999999999").map(r -> body(
                            "ring-wrong-type", path, t, valid, b -> with(b, "upToRing", r),
                            codes("malformed-body", "bad-parameter"), "upToRing")),
                    Arbitraries.of("percentage-of-actors", "percentage-of-time").flatMap(type -> Arbitraries.of(
                            -1, -0.01, 100.01, 101, 1e6, 1e300).map(p -> body("percentage-out-of-range", path, t,
                            valid, b -> change(with(b, "change", Map.of("type", type)), "percentage", p),
                            codes("invalid-change"), "percentage"))),
                    Arbitraries.of((Object) "lots", "", Map.of(), List.of(50), true, "1e999999999").map(p -> body(
                            "percentage-not-a-number", path, t, valid, b -> change(with(b, "change",
                            Map.of("type", "percentage-of-time")), "percentage", p), codes("malformed-body", "invalid-change"),
                            "percentage")),
                    words().map(w -> body("unknown-change-type", path, t, valid, b -> with(b, "change",
                            Map.of("type", "zz-" + w)), codes("invalid-change"), "change.type")),
                    Arbitraries.of((Object) "on", 42, List.of("on"), true).map(c -> body("change-wrong-type", path,
                            t, valid, b -> with(b, "change", c), codes("malformed-body"), "change")),
                    Arbitraries.of(true, false).map(drop -> body("change-missing", path, t, valid,
                            b -> drop ? without(b, "change") : with(b, "change", null), codes("invalid-change"),
                            "change")),
                    Arbitraries.of(Map.of(), Map.of("type", "")).map(c -> body("change-type-missing", path, t,
                            valid, b -> with(b, "change", c), codes("invalid-change"), "change.type")),
                    words().map(w -> body("unknown-actor-kind", path, t, valid, b -> with(with(b, "upToRing", 3),
                            "change", Map.of("type", "add-actors", "actorKind", "zz" + w, "actors", List.of("a"))),
                            codes("invalid-change"), "actorKind")),
                    Arbitraries.of(List.of(), List.of(""), List.of(" ")).map(a -> body("empty-actors", path, t,
                            valid, b -> with(with(b, "upToRing", 3), "change", Map.of("type", "remove-actors",
                                    "actorKind", "user", "actors", a)), codes("invalid-change"), "actor")),
                    Arbitraries.integers().between(0, 2).map(r -> body("actor-change-not-outermost", path, t, valid,
                            b -> with(with(b, "upToRing", r), "change", Map.of("type", "add-actors", "actorKind",
                                    "user", "actors", List.of("alice"))), codes("actor-change-not-outermost"),
                            "ring")),
                    Arbitraries.of("qa-1", "ea-1", "ea-3").map(cell -> body("cell-not-in-quarantine", path, t,
                            valid, b -> with(without(b, "upToRing"), "cells", List.of("q-1", cell)),
                            codes("cell-not-in-quarantine"), cell)),
                    words().map(w -> body("unknown-cell", path, t, valid, b -> with(without(b, "upToRing"), "cells",
                            List.of("zz-" + w)), codes("bad-parameter"), "zz-" + w)),
                    Arbitraries.of(true).map(x -> body("ring-and-cells", path, t, valid, b -> with(b, "cells",
                            List.of("q-1")), codes("contradictory-options"), "cells")),
                    Arbitraries.of(true).map(x -> body("no-target", path, t, valid, b -> without(b, "upToRing"),
                            codes("bad-parameter"), "upToRing")),
                    Arbitraries.of("on", "off", "delete").map(type -> body("percentage-on-" + type, path, t, valid,
                            b -> with(b, "change", Map.of("type", type, "percentage", 50)),
                            codes("contradictory-options"), "percentage")),
                    words().map(w -> body("unknown-mode", path, t, valid, b -> with(b, "mode", "zz" + w),
                            codes("bad-parameter"), "mode")),
                    Arbitraries.of("", "  ", "k".repeat(201)).map(k -> body("bad-idempotency-key", path, t, valid,
                            b -> with(b, "idempotencyKey", k), codes("bad-parameter"), "idempotency key")),
                    Arbitraries.of("not a url", "ftp://x", "javascript:alert(1)", "https://").map(u -> body(
                            "issue-not-a-url", path, t, valid, b -> with(b, "rolloutIssue", u),
                            codes("bad-parameter"), "rolloutIssue")),
                    Arbitraries.of(true).map(x -> body("all-null", path, t, valid, b -> {
                        b.replaceAll((k, v) -> null);
                        return b;
                    }, codes("invalid-change", "bad-parameter"), null)),
                    brokenJson(path, t, valid));
        });
    }

    // ---- POST /api/v1/rollouts/{id}/{operation} ------------------------------------------------------------------

    private static Arbitrary<Call> operations(long finished) {
        Arbitrary<String> operation = Arbitraries.of("pause", "resume", "promote", "abort", "rollback", "retry");
        String t = Tokens.ENGINEER;
        Map<String, Object> reason = Map.of("reason", "generated");
        return Arbitraries.oneOf(
                operation.map(op -> new Call("operation-not-allowed", "/api/v1/rollouts/" + finished + "/" + op, t,
                        "application/json", json(reason), codes("operation-not-allowed"), "completed")),
                Combinators.combine(operation, Arbitraries.longs().between(finished + 1_000, Long.MAX_VALUE))
                        .as((op, id) -> new Call("unknown-rollout", "/api/v1/rollouts/" + id + "/" + op, t,
                                "application/json", json(reason), codes("unknown-rollout"), String.valueOf(id))),
                Combinators.combine(operation, Arbitraries.of("abc", "1.5", "99999999999999999999", "%20", "0x10"))
                        .as((op, id) -> new Call("bad-rollout-id", "/api/v1/rollouts/" + id + "/" + op, t,
                                "application/json", json(reason), codes("not-found", "bad-parameter"), null)),
                words().map(op -> new Call("unknown-operation", "/api/v1/rollouts/" + finished + "/zz" + op, t,
                        "application/json", json(reason), codes("not-found"), "zz" + op)),
                Combinators.combine(operation, Arbitraries.of(Map.of("reason", Map.of()), Map.of("reason",
                        List.of("a")))).as((op, body) -> new Call("reason-wrong-type", "/api/v1/rollouts/" + finished
                        + "/" + op, t, "application/json", json(body), codes("malformed-body"), "reason")),
                Combinators.combine(operation, Arbitraries.of("x".repeat(100_000), "ünï ✓ \u0000"))
                        .as((op, why) -> new Call("operation-odd-reason", "/api/v1/rollouts/" + finished + "/" + op,
                                t, "application/json", json(Map.of("reason", why)), codes("operation-not-allowed"),
                                "completed")),
                operation.flatMap(op -> brokenJson("/api/v1/rollouts/" + finished + "/" + op, t, reason)));
    }

    // ---- POST /api/v1/incidents ------------------------------------------------------------------------------------

    private static Arbitrary<Call> incidents() {
        String path = "/api/v1/incidents";
        String t = Tokens.SRE;
        Map<String, Object> valid = new LinkedHashMap<>(Map.of("ring", 2, "severity", "sev2", "title",
                "generated", "link", "https://status.example.com/i/1"));
        return Arbitraries.oneOf(
                Arbitraries.of(4, 5, 99, -2, Integer.MAX_VALUE).map(r -> body("incident-unknown-ring", path, t, valid,
                        b -> with(b, "ring", r), codes("invalid-field"), "ring")),
                Arbitraries.of(true, false).map(drop -> body("incident-ring-missing", path, t, valid,
                        b -> drop ? without(b, "ring") : with(b, "ring", null), codes("invalid-field"), "ring")),
                Arbitraries.of((Object) "two", Map.of(), List.of(2), 1e20).map(r -> body("incident-ring-wrong-type",
                        path, t, valid, b -> with(b, "ring", r), codes("malformed-body"), "ring")),
                Arbitraries.of("sev0", "sev5", "critical", "sev 1", "sev1x").map(s -> body("incident-bad-severity",
                        path, t, valid, b -> with(b, "severity", s), codes("invalid-field"), "severity")),
                Arbitraries.of("ftp://x", "not a link", "https://user:pw@x.example.com", "javascript:x", "https://"
                        + "a".repeat(5000) + ".com").map(l -> body("incident-bad-link", path, t, valid,
                        b -> with(b, "link", l), codes("invalid-field"), "link")),
                Arbitraries.of("", "   ", "t".repeat(10_000)).map(title -> body("incident-bad-title", path, t, valid,
                        b -> with(b, "title", title), codes("invalid-field"), "title")),
                Arbitraries.of(true).map(x -> body("incident-title-missing", path, t, valid,
                        b -> without(b, "title"), codes("invalid-field"), "title")),
                notAScalar().map(v -> body("incident-title-wrong-type", path, t, valid, b -> with(b, "title", v),
                        codes("malformed-body"), "title")),
                brokenJson(path, t, valid));
    }

    // ---- POST /api/v1/tokens ---------------------------------------------------------------------------------------

    private static Arbitrary<Call> tokens() {
        String path = "/api/v1/tokens";
        String t = Tokens.ADMIN;
        Map<String, Object> valid = new LinkedHashMap<>(Map.of("principal", "deploy-bot", "roles", List.of("bot"),
                "description", "generated", "expiresAt", "2099-01-01T00:00:00Z"));
        List<String> nullRole = new ArrayList<>();
        nullRole.add(null);
        return Arbitraries.oneOf(
                Arbitraries.of("", " ", "has space", "p".repeat(101), "ümlaut", "a/b", "x\u0000y").map(p ->
                        body("token-bad-principal", path, t, valid, b -> with(b, "principal", p),
                                codes("invalid-field"), "principal")),
                Arbitraries.of(true, false).map(drop -> body("token-principal-missing", path, t, valid,
                        b -> drop ? without(b, "principal") : with(b, "principal", null), codes("invalid-field"),
                        "principal")),
                Arbitraries.of((Object) List.of(), List.of("root"), List.of("admin", "god"), nullRole, List.of(""),
                        List.of(1)).map(r -> body("token-bad-roles", path, t, valid, b -> with(b, "roles", r),
                        codes("invalid-field"), "role")),
                Arbitraries.of((Object) "admin", Map.of("role", "admin"), 7).map(r -> body("token-roles-wrong-type",
                        path, t, valid, b -> with(b, "roles", r), codes("malformed-body"), "roles")),
                Arbitraries.of(true, false).map(drop -> body("token-roles-missing", path, t, valid,
                        b -> drop ? without(b, "roles") : with(b, "roles", null), codes("invalid-field"), "roles")),
                Arbitraries.of("d".repeat(100_000)).map(d -> body("token-long-description", path, t, valid,
                        b -> with(b, "description", d), codes("invalid-field"), "description")),
                Arbitraries.of("tomorrow", "2000-01-01T00:00:00Z", "2099-13-01T00:00:00Z", "1", "").map(e ->
                        body("token-bad-expiry", path, t, valid, b -> with(b, "expiresAt", e),
                                codes("invalid-field"), "expiresAt")),
                notAScalar().map(v -> body("token-expiry-wrong-type", path, t, valid, b -> with(b, "expiresAt", v),
                        codes("malformed-body"), "expiresAt")),
                brokenJson(path, t, valid));
    }
}
