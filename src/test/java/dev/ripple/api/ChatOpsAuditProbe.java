package dev.ripple.api;

import dev.ripple.audit.AuditLog;
import dev.ripple.audit.AuditRequest;
import dev.ripple.auth.Principal;
import dev.ripple.auth.Role;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.Map;
import java.util.Set;

/**
 * Stands in for a ChatOps endpoint in tests: answers the status it is asked for, and when asked, records the command
 * the way ChatOps does (channel chat, the chat user, the bot it came through).
 */
@Path("/api/v1/chatops/audit-probe")
@PermitAll
public class ChatOpsAuditProbe {
    private final AuditLog audit;

    ChatOpsAuditProbe(AuditLog audit) {
        this.audit = audit;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response command(@QueryParam("status") int status, @QueryParam("record") boolean record,
                            Map<String, Object> body, @Context UriInfo uri) {
        if (record) {
            audit.recordRequest(new AuditRequest(Principal.chat("alice", Set.of(Role.ENGINEER), "probe-bot"),
                    "feature set", String.valueOf(body.get("text")), status, "refused by the probe"));
        }
        if (status < 400) {
            return Response.ok(Map.of("ok", true)).build();
        }
        ErrorCode code = status == 401 ? ErrorCode.UNAUTHENTICATED : status == 403 ? ErrorCode.FORBIDDEN
                : ErrorCode.BAD_PARAMETER;
        return ProblemMapper.problem(code, "refused by the probe", uri, Map.of());
    }
}
