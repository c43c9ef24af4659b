package dev.ripple.cells;

import dev.ripple.platform.InstanceId;
import io.quarkus.rest.client.reactive.Url;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * GitLab's Features API, one client for every cell: the cell's base URL is given per call. Answers are returned as
 * raw {@link Response}s (the default exception mapper is off) so the adapter classifies every status itself. Every
 * call names the Ripple instance making it ({@link InstanceId#HEADER}).
 */
@Path("/api/v4/features")
@RegisterRestClient(configKey = "gitlab-cell")
@ClientHeaderParam(name = InstanceId.HEADER, value = "{dev.ripple.platform.InstanceId.current}")
interface GitlabFeaturesClient {

    @GET
    Uni<Response> list(@Url String baseUrl, @HeaderParam("PRIVATE-TOKEN") String token);

    @POST
    @Path("/{name}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    Uni<Response> set(@Url String baseUrl, @HeaderParam("PRIVATE-TOKEN") String token,
                      @PathParam("name") String name, MultivaluedMap<String, String> form);

    @DELETE
    @Path("/{name}")
    Uni<Response> delete(@Url String baseUrl, @HeaderParam("PRIVATE-TOKEN") String token,
                         @PathParam("name") String name);
}
