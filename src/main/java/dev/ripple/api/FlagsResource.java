package dev.ripple.api;

import dev.ripple.cache.CacheRefresher;
import dev.ripple.flags.FlagDefinition;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.security.RolesAllowed;
import dev.ripple.auth.Role;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;


@Path("/api/v1/flags")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "flags", description = "Every flag's state across the fleet, from the per-cell cache")
@RolesAllowed(Role.Names.VIEWER)
public class FlagsResource {
    private final StateViews views;
    private final CacheRefresher refresher;

    FlagsResource(StateViews views, CacheRefresher refresher) {
        this.views = views;
        this.refresher = refresher;
    }

    @GET
    @Operation(summary = "Every flag with a per-ring summary",
            description = "Flags defined in rings/ and flags set on any cell. Per ring: the value every cell agrees "
                    + "on, or 'mixed' with a breakdown. By name, a page at a time: follow nextAfter with ?after=. "
                    + "Honors If-None-Match.")
    public Uni<Response> list(@Parameter(description = "only flags whose name contains this text")
                              @QueryParam("match") String match,
                              @Parameter(description = "continue after this flag name (a page's nextAfter)")
                              @QueryParam("after") String after,
                              @Parameter(description = "flags per page, 1 to 1000 (default 500)")
                              @QueryParam("limit") String limit,
                              @Context Request request, @Context HttpHeaders headers) {
        if (match != null && match.isBlank()) {
            throw new ApiException(ErrorCode.BAD_PARAMETER, "query parameter 'match' must not be empty");
        }
        int size;
        try {
            size = limit == null ? StateViews.FLAG_PAGE_DEFAULT : Integer.parseInt(limit.strip());
        } catch (NumberFormatException e) {
            size = -1;
        }
        if (size < 1 || size > StateViews.FLAG_PAGE_MAX) {
            throw new ApiException(ErrorCode.BAD_PARAMETER, "limit must be a number from 1 to "
                    + StateViews.FLAG_PAGE_MAX, java.util.Map.of("parameter", "limit"));
        }
        String from = after == null || after.isBlank() ? null : after;
        int pageSize = size;
        StateViews.Rendered memo = views.cachedFlagList(match, from, pageSize);
        if (memo != null) {
            return Uni.createFrom().item(Conditional.respond(memo, request, headers));
        }
        return Uni.createFrom().item(() -> Conditional.respond(views.flagList(match, from, pageSize), request, headers))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "One flag's state per ring and per cell",
            description = "From the cache, with each cell's read time and staleness; ?fresh=true reads every cell "
                    + "live first. Honors If-None-Match.")
    public Uni<Response> get(@PathParam("name") String name,
                             @Parameter(description = "read every cell now instead of answering from the cache")
                             @QueryParam("fresh") String fresh,
                             @Context Request request, @Context HttpHeaders headers) {
        if (!FlagDefinition.isFlagName(name)) {
            throw new ApiException(ErrorCode.BAD_PARAMETER, "'" + name + "' is not a flag name (lowercase letters, "
                    + "digits and underscores)", java.util.Map.of("parameter", "name"));
        }
        if (Conditional.flag("fresh", fresh)) {
            return refresher.readAllNow()
                    .map(results -> Conditional.respond(views.freshFlag(name), request, headers));
        }
        // Answered on the event loop when the view is rendered already (a lookup); rendering a thousand cells is
        // done on a worker, not on the event loops that also read the cells' answers.
        StateViews.Rendered memo = views.cachedFlag(name);
        if (memo != null) {
            return Uni.createFrom().item(Conditional.respond(memo, request, headers));
        }
        return Uni.createFrom().item(() -> Conditional.respond(views.renderFlag(name), request, headers))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
