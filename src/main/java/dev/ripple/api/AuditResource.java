package dev.ripple.api;

import dev.ripple.audit.AuditEntry;
import dev.ripple.audit.AuditQuery;
import dev.ripple.audit.AuditTrail;
import dev.ripple.auth.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The audit trail, read-only: there is no endpoint that changes or removes an entry. */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "audit", description = "Who asked for what, and every gate change Ripple made on a cell")
@RolesAllowed(Role.Names.VIEWER)
public class AuditResource {
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 500;

    private final AuditTrail trail;

    AuditResource(AuditTrail trail) {
        this.trail = trail;
    }

    public record Page(List<AuditEntry> items, Long nextBefore) {
    }

    @GET
    @Operation(summary = "Audit entries, newest first",
            description = "Mutating requests (kind=request) and gate changes on cells (kind=gate-change). Every filter "
                    + "given must match; cell and ring match gate changes only. Page with before=<nextBefore>.")
    public Page list(@Parameter(description = "a flag name") @QueryParam("flag") String flag,
                     @Parameter(description = "a cell id (gate changes only)") @QueryParam("cell") String cell,
                     @Parameter(description = "a ring number (gate changes only)") @QueryParam("ring") String ring,
                     @Parameter(description = "who asked (a request) or who requested the rollout (a gate change)")
                     @QueryParam("principal") String principal,
                     @Parameter(description = "only entries at or after this ISO-8601 instant")
                     @QueryParam("since") String since,
                     @Parameter(description = "request or gate-change") @QueryParam("kind") String kind,
                     @Parameter(description = "page size, 1 to 500 (default 50)") @QueryParam("limit") String limit,
                     @Parameter(description = "only entries older than this id: the nextBefore of the previous page")
                     @QueryParam("before") String before) {
        if (kind != null && !kind.equals(AuditEntry.REQUEST) && !kind.equals(AuditEntry.GATE_CHANGE)) {
            throw bad("kind", "kind must be request or gate-change, got '" + kind + "'");
        }
        int size = limit == null ? DEFAULT_LIMIT : integer("limit", limit);
        if (size < 1 || size > MAX_LIMIT) {
            throw bad("limit", "limit must be between 1 and " + MAX_LIMIT);
        }
        AuditQuery query = new AuditQuery(present(flag), present(cell),
                ring == null ? Optional.empty() : Optional.of(integer("ring", ring)), present(principal),
                since == null ? Optional.empty() : Optional.of(instant(since)), Optional.ofNullable(kind),
                before == null ? null : id(before), size);
        List<AuditEntry> items = trail.find(query);
        return new Page(items, items.size() == size ? items.get(items.size() - 1).id() : null);
    }

    private static Optional<String> present(String value) {
        return Optional.ofNullable(value).filter(v -> !v.isBlank());
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw bad(name, name + " must be an integer, got '" + value + "'");
        }
    }

    private static long id(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw bad("before", "before must be an entry id, got '" + value + "'");
        }
    }

    private static Instant instant(String value) {
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw bad("since", "since must be an ISO-8601 instant such as 2026-11-21T10:00:00Z, got '" + value + "'");
        }
    }

    private static ApiException bad(String parameter, String detail) {
        return new ApiException(ErrorCode.BAD_PARAMETER, detail, Map.of("parameter", parameter));
    }
}
