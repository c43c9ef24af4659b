package dev.ripple.sandbox;

import dev.ripple.flags.FlagDefinition;
import dev.ripple.sandbox.GitlabFeatureRules.Applied;
import dev.ripple.sandbox.GitlabFeatureRules.InvalidParams;
import dev.ripple.sandbox.GitlabFeatureRules.Outcome;
import dev.ripple.sandbox.GitlabFeatureRules.Refused;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.IntConsumer;

/**
 * The sandbox's HTTP surface on a Vert.x router. Under {@code /sandbox/cells/ID} each cell answers GitLab's Features
 * API exactly, so a client given that base URL cannot tell it from GitLab; the rest ({@code /sandbox/cells},
 * faults, metrics) are the knobs and gauges of the test double and need no token. Every handler is non-blocking:
 * injected latency is a timer, never a sleep.
 */
public final class SandboxRoutes {
    private static final String CELL = "/sandbox/cells/:cell";
    private static final String FEATURES = CELL + "/api/v4/features";
    private static final String JSON = "application/json";

    private final SandboxFleet fleet;
    private final Vertx vertx;
    private final byte[] adminToken;

    private SandboxRoutes(SandboxFleet fleet, Vertx vertx, String adminToken) {
        this.fleet = fleet;
        this.vertx = vertx;
        // A blank token would let an empty header in; with none configured every token is refused instead.
        this.adminToken = adminToken == null || adminToken.isBlank() ? null : adminToken.getBytes(StandardCharsets.UTF_8);
    }

    /** Mounts every sandbox route on {@code router}; admin-API calls must carry {@code adminToken}. */
    public static void mount(Router router, SandboxFleet fleet, Vertx vertx, String adminToken) {
        new SandboxRoutes(fleet, vertx, adminToken).mountOn(router);
    }

    private void mountOn(Router router) {
        router.route("/sandbox/*").handler(BodyHandler.create().setBodyLimit(1 << 20));

        router.get(FEATURES).handler(ctx -> admin(ctx, this::listFlags));
        router.get(FEATURES + "/definitions").handler(ctx -> admin(ctx, this::listDefinitions));
        router.post(FEATURES + "/:name").handler(ctx -> admin(ctx, this::setFlag));
        router.delete(FEATURES + "/:name").handler(ctx -> admin(ctx, this::deleteFlag));

        router.get(CELL + "/metrics").handler(this::cellMetrics);
        router.get("/sandbox/metrics").handler(this::fleetMetrics);
        router.get("/sandbox/calls").handler(this::listCalls);

        router.get("/sandbox/cells").handler(this::listCells);
        router.post("/sandbox/cells").handler(this::createCell);
        router.delete(CELL).handler(this::removeCell);
        router.put(CELL + "/faults").handler(this::setCellFaults);
        router.delete(CELL + "/faults").handler(this::resetCellFaults);
        router.put("/sandbox/faults").handler(this::setFleetFaults);
    }

    // ---- GitLab's admin API ------------------------------------------------------------------------------------

    private record Answer(int status, Buffer body, boolean retryAfter) {
        static Answer json(int status, String body) {
            return new Answer(status, body == null ? null : Buffer.buffer(body), false);
        }

        static Answer message(int status, String message) {
            return json(status, new JsonObject().put("message", message).encode());
        }
    }

    private void admin(RoutingContext ctx, BiFunction<RoutingContext, SandboxCell, Answer> action) {
        long started = System.nanoTime();
        Instant receivedAt = fleet.now();
        SandboxCell cell = fleet.cell(ctx.pathParam("cell")).orElse(null);
        if (cell == null) {
            send(ctx, Answer.message(404, "404 Not Found"));
            return;
        }
        fleet.calls().started();
        // Logged exactly once: answered, or never answered (the cell is down, or the caller went away first).
        AtomicBoolean logged = new AtomicBoolean();
        IntConsumer log = status -> {
            if (logged.compareAndSet(false, true)) {
                recordCall(ctx, cell, receivedAt, status);
            }
        };
        Faults faults = cell.faults();
        if (faults.down() || cell.flapDropsNextCall(faults)) {
            // No answer at all, so clients see what an unreachable cell gives them: a connection error.
            ctx.request().connection().close();
            log.accept(0);
            return;
        }
        if (faults.latencyMs() > 0) {
            long timer = vertx.setTimer(faults.latencyMs(), t -> {
                // Outside the router's own call, so a failure must be handed back to it or the client would hang.
                try {
                    answer(ctx, cell, faults, action, started, log);
                } catch (RuntimeException e) {
                    log.accept(500);
                    ctx.fail(e);
                }
            });
            // A caller that goes away while the cell "works" (a Ripple killed mid-call) is logged when it goes.
            ctx.response().closeHandler(v -> {
                if (!ctx.response().ended()) {
                    vertx.cancelTimer(timer);
                    log.accept(0);
                }
            });
        } else {
            answer(ctx, cell, faults, action, started, log);
        }
    }

    private void answer(RoutingContext ctx, SandboxCell cell, Faults faults,
                        BiFunction<RoutingContext, SandboxCell, Answer> action, long started, IntConsumer log) {
        if (ctx.response().closed() || ctx.response().ended()) {
            log.accept(0);
            return;
        }
        Answer answer;
        if (cell.draw(faults.rateLimitRate())) {
            answer = new Answer(429, Buffer.buffer(new JsonObject().put("message", "429 Too Many Requests").encode()), true);
        } else if (cell.draw(faults.errorRate())) {
            answer = Answer.message(500, "500 Internal Server Error");
        } else {
            answer = authenticate(ctx);
            if (answer == null) {
                answer = action.apply(ctx, cell);
            }
        }
        send(ctx, answer);
        cell.metrics().recordAdmin(ctx.request().method().name(), answer.status(),
                (System.nanoTime() - started) / 1e9);
        log.accept(answer.status());
    }

    private void recordCall(RoutingContext ctx, SandboxCell cell, Instant receivedAt, int status) {
        String method = ctx.request().method().name();
        String flag = ctx.pathParam("name");
        Map<String, String> params = Map.of();
        if (method.equals("POST")) {
            try {
                params = postParams(ctx);
            } catch (RuntimeException e) {
                params = Map.of("unreadable", "true");
            }
        }
        fleet.calls().record(cell.id(), method, flag, params, ctx.request().getHeader(SandboxCalls.INSTANCE_HEADER),
                receivedAt, fleet.now(), status);
    }

    /** Null when the token is the admin's; otherwise GitLab's 401 or 403. */
    private Answer authenticate(RoutingContext ctx) {
        String token = ctx.request().getHeader("PRIVATE-TOKEN");
        if (token == null) {
            String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
            if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                token = authorization.substring(7).trim();
            }
        }
        if (token == null || token.isEmpty()) {
            return Answer.message(401, "401 Unauthorized");
        }
        boolean admin = adminToken != null
                && MessageDigest.isEqual(adminToken, token.getBytes(StandardCharsets.UTF_8));
        return admin ? null : Answer.message(403, "403 Forbidden");
    }

    private Answer listFlags(RoutingContext ctx, SandboxCell cell) {
        return new Answer(200, cell.listAnswer((name, gates) -> FeatureJson.flag(name, gates,
                cell.definition(name).orElse(null)).encode()), false);
    }

    private Answer listDefinitions(RoutingContext ctx, SandboxCell cell) {
        JsonArray definitions = new JsonArray();
        for (FlagDefinition definition : cell.definitions().values()) {
            definitions.add(FeatureJson.definition(definition));
        }
        return Answer.json(200, definitions.encode());
    }

    private Answer setFlag(RoutingContext ctx, SandboxCell cell) {
        Map<String, String> params;
        try {
            params = postParams(ctx);
        } catch (DecodeException | ClassCastException e) {
            return Answer.json(400, new JsonObject().put("error", "body is not a valid JSON object").encode());
        }
        String name = ctx.pathParam("name");
        Outcome outcome = cell.post(name, params);
        if (outcome instanceof Applied applied) {
            return Answer.json(201, FeatureJson.flag(name, applied.gates(), cell.definition(name).orElse(null)).encode());
        }
        if (outcome instanceof Refused refused) {
            return Answer.json(refused.status(), refused.body());
        }
        InvalidParams invalid = (InvalidParams) outcome;
        return Answer.json(invalid.status(), invalid.body());
    }

    /** Query, form and JSON params merged as Grape merges them; the body wins over the query string. */
    private static Map<String, String> postParams(RoutingContext ctx) {
        Map<String, String> params = new HashMap<>();
        ctx.queryParams().forEach(e -> params.putIfAbsent(e.getKey(), e.getValue()));
        String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (contentType != null && contentType.toLowerCase().startsWith(JSON)) {
            if (ctx.body().length() > 0) {
                JsonObject body = ctx.body().asJsonObject();
                body.forEach(e -> {
                    if (e.getValue() != null) {
                        params.put(e.getKey(), String.valueOf(e.getValue()));
                    }
                });
            }
        } else {
            ctx.request().formAttributes().forEach(e -> params.put(e.getKey(), e.getValue()));
        }
        return params;
    }

    private Answer deleteFlag(RoutingContext ctx, SandboxCell cell) {
        cell.deleteFlag(ctx.pathParam("name"));
        return Answer.json(204, null);
    }

    private static void send(RoutingContext ctx, Answer answer) {
        var response = ctx.response().setStatusCode(answer.status());
        if (answer.retryAfter()) {
            response.putHeader("Retry-After", "1");
        }
        if (answer.body() == null) {
            response.end();
        } else {
            response.putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(answer.body());
        }
    }

    // ---- Metrics -----------------------------------------------------------------------------------------------

    private void cellMetrics(RoutingContext ctx) {
        fleet.cell(ctx.pathParam("cell")).ifPresentOrElse(
                cell -> metrics(ctx, SandboxMetrics.render(java.util.List.of(cell))),
                () -> send(ctx, Answer.message(404, "404 Not Found")));
    }

    private void fleetMetrics(RoutingContext ctx) {
        metrics(ctx, SandboxMetrics.render(fleet.cells()));
    }

    private static void metrics(RoutingContext ctx, String text) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, SandboxMetrics.CONTENT_TYPE).end(text);
    }

    // ---- Call log ----------------------------------------------------------------------------------------------

    /** {@code GET /sandbox/calls?after=SEQ&limit=N}: the admin-API calls since {@code after}, oldest first. */
    private void listCalls(RoutingContext ctx) {
        long after;
        int limit;
        try {
            after = Long.parseLong(ctx.queryParams().get("after") == null ? "0" : ctx.queryParams().get("after"));
            limit = Integer.parseInt(ctx.queryParams().get("limit") == null ? "10000" : ctx.queryParams().get("limit"));
        } catch (NumberFormatException e) {
            send(ctx, knobError("after and limit must be whole numbers"));
            return;
        }
        if (limit < 1 || limit > 100_000) {
            send(ctx, knobError("limit must be between 1 and 100000"));
            return;
        }
        JsonArray calls = new JsonArray();
        for (SandboxCalls.Call c : fleet.calls().after(after, limit)) {
            calls.add(new JsonObject()
                    .put("seq", c.seq())
                    .put("cell", c.cell())
                    .put("method", c.method())
                    .put("flag", c.flag())
                    .put("params", new JsonObject(new LinkedHashMap<>(c.params())))
                    .put("instance", c.instance())
                    .put("receivedAtMillis", c.receivedAt().toEpochMilli())
                    .put("endedAtMillis", c.endedAt().toEpochMilli())
                    .put("status", c.status()));
        }
        send(ctx, Answer.json(200, new JsonObject().put("calls", calls).put("last", fleet.calls().lastSeq())
                .put("inFlight", fleet.calls().inFlight()).encode()));
    }

    // ---- Knobs -------------------------------------------------------------------------------------------------

    private void listCells(RoutingContext ctx) {
        JsonArray cells = new JsonArray();
        fleet.cells().forEach(c -> cells.add(new JsonObject()
                .put("id", c.id())
                .put("flags", c.flags().size())
                .put("faults", faultsJson(c.faults()))));
        send(ctx, Answer.json(200, cells.encode()));
    }

    private void createCell(RoutingContext ctx) {
        String id;
        try {
            id = ctx.body().asJsonObject().getString("id");
        } catch (RuntimeException e) {
            send(ctx, knobError("body must be a JSON object like {\"id\":\"c-1\"}"));
            return;
        }
        if (id == null || id.isBlank() || id.contains("/")) {
            send(ctx, knobError("id must be a non-empty string without '/'"));
            return;
        }
        boolean existed = fleet.cell(id).isPresent();
        SandboxCell cell = fleet.create(id);
        send(ctx, Answer.json(existed ? 200 : 201,
                new JsonObject().put("id", cell.id()).put("faults", faultsJson(cell.faults())).encode()));
    }

    private void removeCell(RoutingContext ctx) {
        fleet.remove(ctx.pathParam("cell"));
        send(ctx, Answer.json(204, null));
    }

    private void setCellFaults(RoutingContext ctx) {
        SandboxCell cell = fleet.cell(ctx.pathParam("cell")).orElse(null);
        if (cell == null) {
            send(ctx, Answer.message(404, "404 Not Found"));
            return;
        }
        try {
            JsonObject patch = ctx.body().asJsonObject();
            Faults updated = cell.updateFaults(current -> merge(current, patch));
            send(ctx, Answer.json(200, faultsJson(updated).encode()));
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            send(ctx, knobError(e.getMessage()));
        }
    }

    private void resetCellFaults(RoutingContext ctx) {
        fleet.cell(ctx.pathParam("cell")).ifPresentOrElse(cell -> {
            cell.resetFaults();
            send(ctx, Answer.json(204, null));
        }, () -> send(ctx, Answer.message(404, "404 Not Found")));
    }

    private void setFleetFaults(RoutingContext ctx) {
        try {
            JsonObject patch = ctx.body().asJsonObject();
            merge(Faults.NONE, patch); // refuse a bad patch before any cell changes
            var cells = fleet.cells();
            for (SandboxCell cell : cells) {
                cell.updateFaults(current -> merge(current, patch));
            }
            send(ctx, Answer.json(200, new JsonObject().put("cells", cells.size()).encode()));
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            send(ctx, knobError(e.getMessage()));
        }
    }

    /** Applies the fields present in {@code patch}; unknown or mistyped fields are refused. */
    static Faults merge(Faults base, JsonObject patch) {
        if (patch == null) {
            throw new IllegalArgumentException("body must be a JSON object of faults");
        }
        Faults faults = base;
        // The two halves of a flap are checked together: one alone is half a flap.
        int flapUp = patch.containsKey("flapUp") ? calls("flapUp", patch.getValue("flapUp")) : base.flapUp();
        int flapDown = patch.containsKey("flapDown") ? calls("flapDown", patch.getValue("flapDown")) : base.flapDown();
        for (String field : patch.fieldNames()) {
            Object value = patch.getValue(field);
            faults = switch (field) {
                case "latencyMs" -> faults.withLatencyMs(wholeNumber(field, value, "a whole number of milliseconds"));
                case "errorRate" -> faults.withErrorRate(number(field, value));
                case "rateLimitRate" -> faults.withRateLimitRate(number(field, value));
                case "reportedErrorRatio" -> faults.withReportedErrorRatio(number(field, value));
                case "down" -> {
                    if (!(value instanceof Boolean down)) {
                        throw new IllegalArgumentException("down must be true or false");
                    }
                    yield faults.withDown(down);
                }
                case "flapUp", "flapDown" -> faults;
                default -> throw new IllegalArgumentException("unknown fault '" + field
                        + "': expected latencyMs, errorRate, rateLimitRate, down, reportedErrorRatio, flapUp, flapDown");
            };
        }
        return faults.withFlap(flapUp, flapDown);
    }

    private static int calls(String field, Object value) {
        long n = wholeNumber(field, value, "a whole number of calls");
        if (n < 0 || n > Faults.MAX_FLAP_CALLS) {
            throw new IllegalArgumentException(field + " must be between 0 and " + Faults.MAX_FLAP_CALLS);
        }
        return (int) n;
    }

    private static double number(String field, Object value) {
        if (!(value instanceof Number n)) {
            throw new IllegalArgumentException(field + " must be a number");
        }
        return n.doubleValue();
    }

    private static long wholeNumber(String field, Object value, String what) {
        double d = number(field, value);
        if (d != Math.rint(d)) {
            throw new IllegalArgumentException(field + " must be " + what);
        }
        return (long) d;
    }

    static JsonObject faultsJson(Faults f) {
        return new JsonObject()
                .put("latencyMs", f.latencyMs())
                .put("errorRate", f.errorRate())
                .put("rateLimitRate", f.rateLimitRate())
                .put("down", f.down())
                .put("reportedErrorRatio", f.reportedErrorRatio())
                .put("flapUp", f.flapUp())
                .put("flapDown", f.flapDown());
    }

    private static Answer knobError(String message) {
        return Answer.json(400, new JsonObject().put("error", message == null ? "invalid request" : message).encode());
    }
}
