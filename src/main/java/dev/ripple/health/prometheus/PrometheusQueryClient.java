package dev.ripple.health.prometheus;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.Closeable;

/**
 * Prometheus' instant-query endpoint. Built per {@link PrometheusMetricsSource} with its base URL and timeouts;
 * answers come back as raw {@link Response}s (the default exception mapper is off) because Prometheus explains a
 * refused query in the body of its 4xx and 5xx answers.
 */
@Path("/api/v1/query")
interface PrometheusQueryClient extends Closeable {

    /** {@code authorization} is null when no token is configured, and then no header is sent. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> query(@QueryParam("query") String query,
                        @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization);
}
