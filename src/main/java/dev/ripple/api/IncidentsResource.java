package dev.ripple.api;

import dev.ripple.incidents.Incident;
import dev.ripple.incidents.IncidentService;
import jakarta.annotation.security.RolesAllowed;
import dev.ripple.auth.CurrentPrincipal;
import dev.ripple.auth.RateLimited;
import dev.ripple.auth.Role;
import jakarta.ws.rs.Consumes;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Map;

@Path("/api/v1/incidents")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "incidents", description = "Incidents that block gradual rollouts on a ring")
@RolesAllowed(Role.Names.VIEWER)
public class IncidentsResource {
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;

    private final IncidentService incidents;
    private final CurrentPrincipal caller;

    IncidentsResource(IncidentService incidents, CurrentPrincipal caller) {
        this.incidents = incidents;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "Active incidents from every source, newest first",
            description = "Opened through this API, active Alertmanager alerts naming a ring, and Ripple's own when "
                    + "a source cannot be read. ?all=true adds the newest closed ones (at most `limit`).")
    public Views.IncidentList list(@Parameter(description = "also closed incidents opened through the API")
                                   @QueryParam("all") String all,
                                   @Parameter(description = "with all=true: how many closed incidents at most "
                                           + "(default 100, at most 1000)")
                                   @QueryParam("limit") String limit) {
        List<Incident> found = Conditional.flag("all", all) ? incidents.list(false, limit(limit))
                : incidents.list(true, 0);
        return new Views.IncidentList(found.size(), found.stream().map(IncidentsResource::entry).toList());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One incident, open or closed")
    public Views.IncidentEntry get(@PathParam("id") String id) {
        return incidents.find(id).map(IncidentsResource::entry).orElseThrow(() ->
                new ApiException(ErrorCode.UNKNOWN_INCIDENT, "no incident '" + id + "'", Map.of("incident", id)));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.Names.SRE)
    @RateLimited
    @Operation(summary = "Open an incident on a ring",
            description = "Body: {\"ring\":2,\"severity\":\"sev2\",\"title\":\"…\",\"link\":\"https://…\","
                    + "}; the caller is recorded as the one who opened it. Gradual rollouts do not enter the ring "
                    + "until it is closed.")
    public Response open(@RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = {
            @ExampleObject(name = "incident", value = "{\"ring\":2,\"severity\":\"sev2\",\"title\":\"Checkout 5xx\","
                    + "\"link\":\"https://status.example.com/i/42\"}")}))
                         Views.OpenIncidentRequest body, @HeaderParam("Idempotency-Key") String key,
                         @Context UriInfo uri) {
        if (body == null) {
            throw new ApiException(ErrorCode.MALFORMED_BODY, "expected {\"ring\": 2, \"severity\": \"sev2\", "
                    + "\"title\": \"...\", \"link\": \"https://...\"}");
        }
        IncidentService.Opened opened = incidents.open(body.ring(), body.severity(), body.title(), body.link(),
                caller.get().name(), key);
        Incident i = opened.incident();
        return opened.existing() ? Response.ok(entry(i)).build()
                : Response.created(uri.getAbsolutePathBuilder().path(i.id()).build()).entity(entry(i)).build();
    }

    @POST
    @Path("/{id}/close")
    @RolesAllowed(Role.Names.SRE)
    @RateLimited
    @Operation(summary = "Close an incident opened through the API",
            description = "No body needed; the caller is recorded as the one who closed it.")
    public Views.IncidentEntry close(@PathParam("id") String id) {
        return entry(incidents.close(id, caller.get().name()));
    }

    private static int limit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiException(ErrorCode.BAD_PARAMETER, "query parameter 'limit' must be a number from 1 to "
                + MAX_LIMIT + ", got '" + text + "'", Map.of("parameter", "limit"));
    }

    private static Views.IncidentEntry entry(Incident i) {
        return new Views.IncidentEntry(i.id(), i.ring(), i.severity(), i.title(), i.link(), i.source(), i.since(),
                i.active(), i.openedBy(), i.closedBy(), i.closedAt());
    }
}
