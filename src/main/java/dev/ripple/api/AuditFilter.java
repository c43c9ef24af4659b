package dev.ripple.api;

import dev.ripple.audit.AuditLog;
import dev.ripple.audit.AuditRequest;
import dev.ripple.audit.RecordedInRequest;
import dev.ripple.audit.Redaction;
import dev.ripple.auth.CurrentPrincipal;
import dev.ripple.auth.Principal;
import io.quarkus.runtime.BlockingOperationControl;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * Writes every mutating API request to the audit trail: who (from the security identity), what (method, path,
 * query and the JSON body, secrets masked), and how it ended (status and the problem's code and detail), refusals
 * included. The body is buffered by a request filter and handed back to the endpoint unchanged. On the ChatOps
 * endpoints only refusals are recorded here, and only those ChatOps did not record itself (a bad signature, a caller
 * without the bot role, a command that does not parse): ChatOps records each command under the chat user who typed
 * it, and a chat request that succeeds is either such a command or a read.
 */
public class AuditFilter {
    /** Bodies larger than this are recorded by their size only. */
    static final int MAX_BODY = 64 * 1024;
    private static final String BODY = "dev.ripple.audit.body";
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    private static final String API = "/api/";
    private static final String CHATOPS = "/api/v1/chatops/";

    private final AuditLog audit;
    private final CurrentIdentityAssociation identities;
    private final RecordedInRequest recorded;

    AuditFilter(AuditLog audit, CurrentIdentityAssociation identities, RecordedInRequest recorded) {
        this.audit = audit;
        this.identities = identities;
        this.recorded = recorded;
    }

    @ServerRequestFilter
    public void keepBody(ContainerRequestContext request) throws IOException {
        // Reading the stream blocks: only where blocking is allowed, which is every endpoint Ripple has.
        if (!audited(request) || !request.hasEntity() || !BlockingOperationControl.isBlockingAllowed()) {
            return;
        }
        byte[] body = request.getEntityStream().readAllBytes();
        request.setEntityStream(new ByteArrayInputStream(body));
        request.setProperty(BODY, body);
    }

    @ServerResponseFilter
    public Uni<Void> record(ContainerRequestContext request, ContainerResponseContext response) {
        if (!audited(request) || chatops(request) && (response.getStatus() < 400 || recorded.recorded())) {
            return Uni.createFrom().voidItem();
        }
        URI uri = request.getUriInfo().getRequestUri();
        String query = Redaction.query(uri.getRawQuery());
        String action = request.getMethod() + " " + uri.getRawPath() + (query == null ? "" : "?" + query);
        String body = body(request.getProperty(BODY));
        int status = response.getStatus();
        String outcome = outcome(response);
        return identities.getDeferredIdentity()
                .map(CurrentPrincipal::of)
                // A refused credential leaves no identity behind: the refusal is recorded as anonymous.
                .onFailure().recoverWithItem(Principal.ANONYMOUS)
                .flatMap(principal -> store(new AuditRequest(principal, action, body, status, outcome)));
    }

    /** Recorded before the answer goes out; the database is never written from an event-loop thread. */
    private Uni<Void> store(AuditRequest entry) {
        if (BlockingOperationControl.isBlockingAllowed()) {
            audit.recordRequest(entry);
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().item(() -> {
            audit.recordRequest(entry);
            return (Void) null;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private static boolean audited(ContainerRequestContext request) {
        return !READS.contains(request.getMethod())
                && request.getUriInfo().getRequestUri().getRawPath().startsWith(API);
    }

    private static boolean chatops(ContainerRequestContext request) {
        return request.getUriInfo().getRequestUri().getRawPath().startsWith(CHATOPS);
    }

    private static String body(Object captured) {
        if (!(captured instanceof byte[] bytes)) {
            return null;
        }
        return bytes.length > MAX_BODY ? Redaction.body(new byte[0], bytes.length, true)
                : Redaction.body(bytes, bytes.length, false);
    }

    /** One line: the problem's code and detail for a refusal, where a creation points to, or just ok. */
    private static String outcome(ContainerResponseContext response) {
        int status = response.getStatus();
        if (status >= 400) {
            if (response.getEntity() instanceof Map<?, ?> problem && problem.get("code") != null) {
                return problem.get("code") + ": " + problem.get("detail");
            }
            return "HTTP " + status;
        }
        URI location = response.getLocation();
        return location != null ? "created " + location.getRawPath() : "ok";
    }
}
