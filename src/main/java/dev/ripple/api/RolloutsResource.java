package dev.ripple.api;

import dev.ripple.flags.Gates;
import dev.ripple.health.CheckRule;
import dev.ripple.rollout.CellProgress;
import dev.ripple.rollout.ChangeSpec;
import dev.ripple.rollout.FlagBusyException;
import dev.ripple.rollout.FlagChange;
import dev.ripple.rollout.IdempotencyKeyReuse;
import dev.ripple.rollout.Mode;
import dev.ripple.rollout.Operation;
import dev.ripple.rollout.OperationRefused;
import dev.ripple.rollout.PlannedRing;
import dev.ripple.rollout.Rollout;
import dev.ripple.rollout.RolloutRejected;
import dev.ripple.rollout.RolloutRequest;
import dev.ripple.rollout.RolloutService;
import dev.ripple.rollout.RolloutState;
import dev.ripple.rollout.RolloutStore;
import dev.ripple.rollout.RolloutSummary;
import dev.ripple.rollout.TimelineEvent;
import dev.ripple.topology.Ring;
import dev.ripple.auth.Access;
import dev.ripple.auth.CurrentPrincipal;
import dev.ripple.auth.Principal;
import dev.ripple.auth.RateLimited;
import jakarta.annotation.security.RolesAllowed;
import dev.ripple.auth.Role;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

@Path("/api/v1/rollouts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "rollouts", description = "Gradual and immediate rollouts of gate changes, ring by ring")
@Blocking
@RolesAllowed(Role.Names.VIEWER)
public class RolloutsResource {
    private static final int MAX_LIMIT = 500;

    private final RolloutService rollouts;
    private final CurrentPrincipal caller;

    RolloutsResource(RolloutService rollouts, CurrentPrincipal caller) {
        this.rollouts = rollouts;
        this.caller = caller;
    }

    /** The request body of {@code POST /api/v1/rollouts}; the requester is the caller's principal. */
    public record StartRequest(String flag, ChangeSpec change, Integer upToRing, String mode, List<String> cells,
                               String reason, String rolloutIssue, String idempotencyKey) {
    }

    /** The optional body of an operation; who acted is the caller's principal. */
    public record OperationRequest(String reason) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.Names.ENGINEER)
    @RateLimited
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Start a rollout, or with ?dryRun=true show its"
            + " plan without starting anything")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = {
            @ExampleObject(name = "gradual", summary = "25% of actors, ring by ring up to ring 2", value = "{\"flag\":"
                    + "\"new_search_ui\",\"change\":{\"type\":\"percentage-of-actors\",\"percentage\":25},"
                    + "\"upToRing\":2,\"mode\":\"gradual\",\"reason\":\"step 2\",\"rolloutIssue\":"
                    + "\"https://gitlab.example.com/org/proj/-/issues/1\"}"),
            @ExampleObject(name = "immediate", summary = "An SRE switches a kill switch on everywhere at once",
                    value = "{\"flag\":\"ci_kill_switch\",\"change\":{\"type\":\"on\"},\"upToRing\":3,"
                            + "\"mode\":\"immediate\",\"reason\":\"INC-42\"}"),
            @ExampleObject(name = "actors", summary = "Two users added on every ring",
                    value = "{\"flag\":\"new_search_ui\",\"change\":{\"type\":\"add-actors\",\"actorKind\":"
                            + "\"user\",\"actors\":[\"alice\",\"bob\"]},\"upToRing\":3}"),
            @ExampleObject(name = "quarantine", summary = "Single cells of the quarantine ring",
                    value = "{\"flag\":\"new_search_ui\",\"change\":{\"type\":\"on\"},\"cells\":[\"q-1\"]}")}))
    public Response start(StartRequest body, @QueryParam("dryRun") @DefaultValue("false") boolean dryRun,
                          @HeaderParam("Idempotency-Key") String keyHeader, @Context UriInfo uri) {
        Principal principal = caller.get();
        RolloutRequest request = request(body, keyHeader, principal.name());
        if (!dryRun) {
            Access.requireToStart(principal, request.mode());
        }
        try {
            if (dryRun) {
                return Response.ok(rollouts.dryRun(request)).build();
            }
            RolloutStore.Created created = rollouts.start(request);
            RolloutView view = view(created.rollout(), List.of());
            URI location = uri.getBaseUriBuilder().path("api/v1/rollouts/" + created.rollout().id()).build();
            return (created.existing() ? Response.ok(view) : Response.created(location).entity(view)).build();
        } catch (RolloutRejected e) {
            throw rejected(e);
        } catch (FlagBusyException e) {
            throw new ApiException(ErrorCode.ROLLOUT_ACTIVE, e.getMessage(), Map.of("activeRollout", e.activeId()));
        } catch (IdempotencyKeyReuse e) {
            throw new ApiException(ErrorCode.IDEMPOTENCY_KEY_REUSED, e.getMessage(), Map.of("rollout", e.rolloutId()));
        }
    }

    @GET
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Rollouts, newest first",
            description = "Filter by flag and state; page with before=<id of the last one seen>.")
    public Page list(@QueryParam("flag") String flag, @QueryParam("state") String state,
                     @QueryParam("before") Long before, @QueryParam("limit") @DefaultValue("50") int limit) {
        Optional<RolloutState> s = Optional.ofNullable(state).map(name -> RolloutState.fromWireName(name)
                .orElseThrow(() -> new ApiException(ErrorCode.BAD_PARAMETER, "state must be one of "
                        + java.util.Arrays.stream(RolloutState.values()).map(RolloutState::wireName).toList())));
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ApiException(ErrorCode.BAD_PARAMETER, "limit must be between 1 and " + MAX_LIMIT);
        }
        List<RolloutSummary> items = rollouts.list(Optional.ofNullable(flag), s, before, limit);
        Long next = items.size() == limit ? items.get(items.size() - 1).id() : null;
        return new Page(items.stream().map(RolloutsResource::summary).toList(), next);
    }

    public record Page(List<Map<String, Object>> items, Long nextBefore) {
    }

    @GET
    @Path("/{id}")
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "One rollout: plan, progress per ring and"
            + " cell, and its timeline")
    public RolloutView get(@PathParam("id") long id) {
        Rollout r = rollouts.find(id).orElseThrow(() -> unknown(id));
        return view(r, rollouts.timeline(id, null, 10_000));
    }

    @GET
    @Path("/{id}/timeline")
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "A rollout's timeline, oldest first; page with"
            + " after=<id of the last event seen>")
    public List<EventView> timeline(@PathParam("id") long id, @QueryParam("after") Long after,
                                    @QueryParam("limit") @DefaultValue("500") int limit) {
        rollouts.find(id).orElseThrow(() -> unknown(id));
        if (limit < 1 || limit > 10_000) {
            throw new ApiException(ErrorCode.BAD_PARAMETER, "limit must be between 1 and 10000");
        }
        return rollouts.timeline(id, after, limit).stream().map(RolloutsResource::event).toList();
    }

    @POST
    @Path("/{id}/{operation}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.Names.ENGINEER)
    @RateLimited
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "pause, resume, promote, abort, rollback or"
            + " retry a rollout")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = {
            @ExampleObject(name = "reason", value = "{\"reason\":\"checking a dashboard\"}")}))
    public RolloutView operate(@PathParam("id") long id, @PathParam("operation") String name, OperationRequest body) {
        Operation operation = Operation.fromWireName(name).orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND,
                "no operation '" + name + "'; one of pause, resume, promote, abort, rollback, retry"));
        rollouts.find(id).orElseThrow(() -> unknown(id));
        try {
            Rollout r = rollouts.operate(id, operation, caller.get().name(), body == null ? null : body.reason());
            return view(r, List.of());
        } catch (OperationRefused e) {
            throw new ApiException(ErrorCode.OPERATION_NOT_ALLOWED, e.getMessage(),
                    Map.of("state", e.state().wireName()));
        } catch (RolloutRejected e) {
            throw rejected(e);
        }
    }

    // ---- request and views ---------------------------------------------------------------------------------------

    private static RolloutRequest request(StartRequest body, String keyHeader, String requestedBy) {
        if (body == null) {
            throw new ApiException(ErrorCode.MALFORMED_BODY, "a JSON body is required");
        }
        if (body.change() == null) {
            throw new ApiException(ErrorCode.INVALID_CHANGE, "change is required, e.g. {\"type\":\"on\"}; types: "
                    + ChangeSpec.TYPES);
        }
        FlagChange change;
        try {
            change = body.change().toChange();
        } catch (RolloutRejected e) {
            throw rejected(e);
        }
        Mode mode = body.mode() == null ? Mode.GRADUAL : Mode.fromWireName(body.mode()).orElseThrow(() ->
                new ApiException(ErrorCode.BAD_PARAMETER, "mode must be gradual or immediate, got " + body.mode()));
        List<String> cells = body.cells() == null ? List.of() : body.cells();
        if (body.upToRing() == null && cells.isEmpty()) {
            throw new ApiException(ErrorCode.BAD_PARAMETER, "upToRing is required (or cells, for quarantine cells)");
        }
        if (body.upToRing() != null && !cells.isEmpty()) {
            throw new ApiException(ErrorCode.CONTRADICTORY_OPTIONS, "give either upToRing or cells, not both");
        }
        String key = keyHeader != null && !keyHeader.isBlank() ? keyHeader : body.idempotencyKey();
        if (key != null && (key.isBlank() || key.length() > 200)) {
            throw new ApiException(ErrorCode.BAD_PARAMETER, "an idempotency key is 1 to 200 characters");
        }
        int upTo = body.upToRing() == null ? Ring.QUARANTINE_ID : body.upToRing();
        return new RolloutRequest(body.flag(), change, upTo, mode, cells, requestedBy, body.reason(),
                body.rolloutIssue(), key);
    }

    private static ApiException rejected(RolloutRejected e) {
        ErrorCode code = switch (e.code()) {
            case "unknown-flag-definition" -> ErrorCode.UNKNOWN_FLAG_DEFINITION;
            case "ring-out-of-range" -> ErrorCode.RING_OUT_OF_RANGE;
            case "invalid-change" -> ErrorCode.INVALID_CHANGE;
            case "contradictory-options" -> ErrorCode.CONTRADICTORY_OPTIONS;
            case "cell-not-in-quarantine" -> ErrorCode.CELL_NOT_IN_QUARANTINE;
            case "actor-change-not-outermost" -> ErrorCode.ACTOR_CHANGE_NOT_OUTERMOST;
            default -> ErrorCode.BAD_PARAMETER;
        };
        // The core speaks of rings; a bot sent a field, so name it.
        return code == ErrorCode.RING_OUT_OF_RANGE
                ? new ApiException(code, "upToRing: " + e.getMessage(), Map.of("field", "upToRing"))
                : new ApiException(code, e.getMessage());
    }

    private static ApiException unknown(long id) {
        return new ApiException(ErrorCode.UNKNOWN_ROLLOUT, "no rollout " + id);
    }

    static Map<String, Object> summary(RolloutSummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("flag", s.flag());
        m.put("change", s.change());
        m.put("upToRing", s.upToRing());
        m.put("mode", s.mode().wireName());
        m.put("state", s.state().wireName());
        m.put("phase", s.state().isTerminal() ? null : s.phase().wireName());
        m.put("ring", s.ring());
        m.put("reason", s.reason());
        m.put("requestedBy", s.initiator());
        m.put("createdAt", s.createdAt());
        m.put("finishedAt", s.finishedAt());
        return m;
    }

    public record RolloutView(long id, String flag, String change, ChangeSpec changeSpec, int upToRing, String mode,
                              List<String> targetCells, String requestedBy, String reason, String rolloutIssue,
                              String state, String phase, Integer ring, String stateReason, Instant bakeUntil,
                              Instant nextCheckAt, Instant createdAt, Instant finishedAt, List<RingView> rings,
                              List<EventView> timeline) {
    }

    public record RingView(int ring, String name, String status, Duration bake, List<CheckRule> checks,
                           Map<String, Long> cellsByStatus, List<CellView> cells) {
    }

    public record CellView(String cell, String status, String before, String after, String error, int attempts,
                           Instant updatedAt) {
    }

    public record EventView(long id, Instant at, String type, Integer ring, String cell, String actor, String message,
                            Map<String, Object> detail) {
    }

    static RolloutView view(Rollout r, List<TimelineEvent> timeline) {
        List<RingView> rings = new java.util.ArrayList<>();
        for (int i = 0; i < r.plan().size(); i++) {
            PlannedRing p = r.plan().get(i);
            String status = i < r.ringIndex() ? "done" : i == r.ringIndex() && !r.state().isTerminal()
                    ? r.phase().wireName() : i == r.ringIndex() ? "stopped" : "waiting";
            if (r.state().isTerminal() && i >= r.ringIndex()) {
                status = "not reached";
            }
            List<CellView> cells = p.cells().stream().map(r::cell).map(RolloutsResource::cell).toList();
            Map<String, Long> counts = new LinkedHashMap<>();
            cells.forEach(c -> counts.merge(c.status(), 1L, Long::sum));
            rings.add(new RingView(p.ring(), p.name(), status, p.bake(), p.checks(), counts, cells));
        }
        var q = r.request();
        return new RolloutView(r.id(), q.flag(), q.change().describe(), ChangeSpec.of(q.change()), q.upToRing(),
                q.mode().wireName(), q.cells(), q.initiator(), q.reason(), q.issue(), r.state().wireName(),
                r.state().isTerminal() ? null : r.phase().wireName(), r.currentRing().map(PlannedRing::ring)
                .orElse(null), r.reason(), r.bakeUntil(), r.nextCheckAt(), r.createdAt(), r.finishedAt(), rings,
                timeline.stream().map(RolloutsResource::event).toList());
    }

    private static CellView cell(CellProgress c) {
        return new CellView(c.cellId(), c.status().wireName(), c.snapshotTaken() ? Gates.describe(c.snapshot()) : null,
                c.afterRead() ? Gates.describe(c.after()) : null,
                c.error(), c.attempts(), c.updatedAt());
    }

    static EventView event(TimelineEvent e) {
        return new EventView(e.id(), e.at(), e.type(), e.ring(), e.cell(), e.actor(), e.message(), e.detail());
    }
}
