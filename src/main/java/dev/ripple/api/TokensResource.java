package dev.ripple.api;

import dev.ripple.auth.CurrentPrincipal;
import dev.ripple.auth.RateLimited;
import dev.ripple.auth.Role;
import dev.ripple.auth.TokenService;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

@Path("/api/v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "tokens", description = "API tokens and their roles (admin only)")
@Blocking
@RolesAllowed(Role.Names.ADMIN)
public class TokensResource {
    private final TokenService tokens;
    private final CurrentPrincipal caller;

    TokensResource(TokenService tokens, CurrentPrincipal caller) {
        this.tokens = tokens;
        this.caller = caller;
    }

    public record CreateRequest(String principal, List<String> roles, String description, String expiresAt) {
    }

    public record TokenList(List<TokenService.TokenInfo> items) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RateLimited
    @Operation(summary = "Issue a token", description = "Body: {\"principal\":\"deploy-bot\",\"roles\":[\"bot\"],"
            + "\"description\":\"…\",\"expiresAt\":\"2027-01-01T00:00:00Z\"}. The answer is the only place the "
            + "token is ever shown; Ripple keeps its SHA-256.")
    public Response create(@RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = {
            @ExampleObject(name = "bot", value = "{\"principal\":\"deploy-bot\",\"roles\":[\"bot\"],"
                    + "\"description\":\"release pipeline\",\"expiresAt\":\"2027-06-01T00:00:00Z\"}")}))
                           CreateRequest body, @Context UriInfo uri) {
        if (body == null) {
            throw new ApiException(ErrorCode.MALFORMED_BODY, "expected {\"principal\": \"...\", \"roles\": [\"...\"]}");
        }
        Instant expires;
        try {
            expires = body.expiresAt() == null ? null : Instant.parse(body.expiresAt());
        } catch (DateTimeParseException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "expiresAt must be an ISO-8601 instant such as "
                    + "2027-01-01T00:00:00Z", Map.of("field", "expiresAt"));
        }
        TokenService.IssuedToken issued = tokens.issue(body.principal(), body.roles(), body.description(), expires,
                caller.get().name());
        return Response.created(uri.getAbsolutePathBuilder().path(issued.info().id()).build()).entity(issued)
                .header("Cache-Control", "no-store").build();
    }

    @GET
    @Operation(summary = "Every token: bootstrap ones (from the environment) and issued ones, never the tokens")
    public TokenList list() {
        return new TokenList(tokens.list());
    }

    @DELETE
    @Path("/{id}")
    @RateLimited
    @Operation(summary = "Revoke a token", description = "Other instances stop accepting it within "
            + "ripple.auth.cache-ttl (10 s).")
    public TokenService.TokenInfo revoke(@PathParam("id") String id) {
        return tokens.revoke(id, caller.get().name());
    }
}
