package dev.ripple.api;

import dev.ripple.cache.CacheRefresher;
import dev.ripple.topology.LoadResult;
import dev.ripple.topology.Problem;
import dev.ripple.topology.Topology;
import dev.ripple.topology.TopologyService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import dev.ripple.auth.RateLimited;
import dev.ripple.auth.Role;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Map;

@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "topology", description = "Rings, cells and the rings/ configuration")
@RolesAllowed(Role.Names.VIEWER)
public class TopologyResource {
    private static final int MAX_FILES = 10_000;

    private final StateViews views;
    private final TopologyService topology;
    private final CacheRefresher refresher;

    TopologyResource(StateViews views, TopologyService topology, CacheRefresher refresher) {
        this.views = views;
        this.topology = topology;
        this.refresher = refresher;
    }

    @GET
    @Path("/topology")
    @Operation(summary = "Rings and their cells, with each cell's reachability")
    public Response get(@Context Request request, @Context HttpHeaders headers) {
        return Conditional.respond(views.topologyView(), request, headers);
    }

    @GET
    @Path("/topology/reload")
    @Operation(summary = "What the last reload of rings/ did")
    public Views.ReloadView lastReload() {
        return view(topology.lastReload());
    }

    @POST
    @Path("/topology/reload")
    @Blocking
    @RolesAllowed(Role.Names.ADMIN)
    @RateLimited
    @Operation(summary = "Reload rings/ from disk",
            description = "Applies the tree if it is valid. Otherwise answers 422 with every problem, and the "
                    + "last good configuration keeps serving.")
    public Views.ReloadView reload() {
        TopologyService.ReloadOutcome outcome = topology.reload("api");
        if (!outcome.applied()) {
            throw new ApiException(ErrorCode.RINGS_INVALID, outcome.problems().size() + " problem(s) in "
                    + topology.directory() + "; still serving version " + outcome.version(),
                    Map.of("problems", problems(outcome.problems())));
        }
        return view(outcome);
    }

    @POST
    @Path("/topology/validate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    @RateLimited
    @Operation(summary = "Validate a proposed rings/ tree without applying it (dry run)",
            description = "Body: {\"files\": {\"topology/ring-1.yaml\": \"...\", ...}}, paths relative to rings/.")
    public Views.ValidationView validate(Views.ValidateRequest body) {
        if (body == null || body.files() == null || body.files().isEmpty()) {
            throw new ApiException(ErrorCode.MALFORMED_BODY,
                    "expected {\"files\": {\"<path relative to rings/>\": \"<content>\", ...}} with at least one file");
        }
        if (body.files().size() > MAX_FILES) {
            throw new ApiException(ErrorCode.BAD_PARAMETER, "at most " + MAX_FILES + " files per validation");
        }
        for (Map.Entry<String, String> file : body.files().entrySet()) {
            String path = file.getKey();
            if (path == null || path.isBlank() || path.startsWith("/") || path.contains("..") || path.contains("\\")
                    || file.getValue() == null) {
                throw new ApiException(ErrorCode.BAD_PARAMETER, "file paths must be relative to rings/ without "
                        + "'..' and each file needs content: '" + path + "'");
            }
        }
        LoadResult result = topology.validate(body.files());
        if (result instanceof LoadResult.Loaded loaded) {
            Topology t = loaded.topology();
            return new Views.ValidationView(true, t.version(), t.rings().size(), t.cells().size(), t.flags().size(),
                    List.of());
        }
        return new Views.ValidationView(false, null, null, null, null,
                problems(((LoadResult.Invalid) result).problems()));
    }

    @POST
    @Path("/cache/refresh")
    @RolesAllowed(Role.Names.ENGINEER)
    @RateLimited
    @Operation(summary = "Read every cell now", description = "Answers when every cell has answered or failed.")
    public Uni<Views.RefreshView> refresh() {
        return refresher.refreshAll(false).map(r -> new Views.RefreshView(r.startedAt(), r.took().toMillis(),
                r.cells(), r.ok(), r.failed()));
    }

    private static Views.ReloadView view(TopologyService.ReloadOutcome o) {
        return new Views.ReloadView(o.trigger(), o.at(), o.applied(), o.changed(), o.version(), problems(o.problems()));
    }

    static List<Views.ProblemView> problems(List<Problem> problems) {
        return problems.stream()
                .map(p -> new Views.ProblemView(p.file(), p.line(), p.path(), p.reason(), p.toString())).toList();
    }
}
