package dev.ripple.api;

import dev.ripple.cache.CacheRefresher;
import dev.ripple.topology.Cell;
import dev.ripple.topology.TopologyService;
import io.smallrye.mutiny.Uni;
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
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Map;

@Path("/api/v1/cells")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "cells", description = "Cells and what each one holds")
@RolesAllowed(Role.Names.VIEWER)
public class CellsResource {
    private final StateViews views;
    private final CacheRefresher refresher;
    private final TopologyService topology;

    CellsResource(StateViews views, CacheRefresher refresher, TopologyService topology) {
        this.views = views;
        this.refresher = refresher;
        this.topology = topology;
    }

    @GET
    @Operation(summary = "Every cell with its reachability")
    public List<Views.CellView> list() {
        return topology.current().cells().stream().map(views::cellView).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One cell with its reachability")
    public Views.CellView get(@PathParam("id") String id) {
        return views.cellView(cell(id));
    }

    @GET
    @Path("/{id}/flags")
    @Operation(summary = "Every flag of one cell", description = "From the cache; ?fresh=true reads the cell live.")
    public Uni<Response> flags(@PathParam("id") String id, @QueryParam("fresh") String fresh,
                               @Context Request request, @Context HttpHeaders headers) {
        Cell cell = cell(id);
        if (Conditional.flag("fresh", fresh)) {
            return refresher.refreshCells(List.of(cell))
                    .map(results -> Conditional.respond(views.cellFlags(cell, true), request, headers));
        }
        return Uni.createFrom().item(() -> Conditional.respond(views.cellFlags(cell, false), request, headers));
    }

    private Cell cell(String id) {
        return topology.current().cell(id).orElseThrow(() -> new ApiException(ErrorCode.UNKNOWN_CELL,
                "no cell '" + id + "' in rings/", Map.of("cell", id)));
    }
}
