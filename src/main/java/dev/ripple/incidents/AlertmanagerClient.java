package dev.ripple.incidents;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.Closeable;
import java.util.List;

/** Alertmanager's alert list (API v2). Answers come back raw, for {@link AlertmanagerPoller} to classify. */
@Path("/api/v2/alerts")
interface AlertmanagerClient extends Closeable {

    /** {@code filter} holds matchers such as {@code severity=~"critical|page"}, one parameter each. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> alerts(@QueryParam("active") boolean active, @QueryParam("silenced") boolean silenced,
                         @QueryParam("inhibited") boolean inhibited, @QueryParam("filter") List<String> filter);
}
