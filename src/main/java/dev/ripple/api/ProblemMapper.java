package dev.ripple.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.ripple.auth.AccessDenied;
import dev.ripple.auth.AnonymousReaders;
import dev.ripple.auth.CurrentPrincipal;
import dev.ripple.auth.RateLimitExceeded;
import dev.ripple.auth.TokenRefused;
import dev.ripple.incidents.IncidentRefusedException;
import dev.ripple.platform.Failures;
import dev.ripple.rollout.TooManyStarts;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.logging.Log;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns every failure into an RFC 9457 problem document with a stable {@code code}. 4xx are the caller's to fix and
 * are logged at DEBUG; anything else is ours, logged at ERROR with its cause, and answered without internals.
 */
public class ProblemMapper {
    public static final String PROBLEM_JSON = "application/problem+json";
    static final int DATABASE_BUSY_RETRY_SECONDS = 1;

    private final SecurityIdentity identity;

    ProblemMapper(SecurityIdentity identity) {
        this.identity = identity;
    }

    @ServerExceptionMapper
    public Response api(ApiException e, UriInfo uri) {
        Log.debugf("%s %s: %s", e.code().code(), uri.getPath(), e.getMessage());
        return problem(e.code(), e.getMessage(), uri, e.extensions());
    }

    @ServerExceptionMapper
    public Response incident(IncidentRefusedException e, UriInfo uri) {
        Log.debugf("%s %s: %s", e.reason(), uri.getPath(), e.getMessage());
        IncidentRefusedException.Reason reason = e.reason();
        ErrorCode code = reason == IncidentRefusedException.Reason.UNKNOWN ? ErrorCode.UNKNOWN_INCIDENT
                : reason == IncidentRefusedException.Reason.CLOSED ? ErrorCode.INCIDENT_CLOSED
                : reason == IncidentRefusedException.Reason.NOT_CLOSABLE ? ErrorCode.INCIDENT_NOT_CLOSABLE
                : reason == IncidentRefusedException.Reason.KEY_REUSED ? ErrorCode.IDEMPOTENCY_KEY_REUSED
                : ErrorCode.INVALID_FIELD;
        return problem(code, e.getMessage(), uri, e.field() == null ? Map.of() : Map.of("field", e.field()));
    }

    @ServerExceptionMapper
    public Response unauthenticated(AuthenticationFailedException e, UriInfo uri) {
        return unauthenticated(uri, e.getMessage() == null ? "the token is unknown, expired or revoked"
                : e.getMessage());
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, UriInfo uri) {
        return unauthenticated(uri, "this call needs an API token: Authorization: Bearer TOKEN");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        if (identity.getAttribute(AnonymousReaders.ATTRIBUTE) != null) {
            return unauthorized(new UnauthorizedException(), uri);
        }
        String principal = CurrentPrincipal.of(identity).name();
        Log.debugf("forbidden %s for %s", uri.getPath(), principal);
        return problem(ErrorCode.FORBIDDEN, principal + " lacks the role this call needs (roles: "
                + identity.getRoles().stream().sorted().toList() + "); see docs/security.md", uri, Map.of());
    }

    @ServerExceptionMapper
    public Response denied(AccessDenied e, UriInfo uri) {
        Log.debugf("forbidden %s: %s", uri.getPath(), e.getMessage());
        return problem(ErrorCode.FORBIDDEN, e.getMessage(), uri, Map.of("neededRole", e.needed().id()));
    }

    @ServerExceptionMapper
    public Response tooManyStarts(TooManyStarts e, UriInfo uri) {
        Log.warnf("%s: %s", uri.getPath(), e.getMessage());
        return retryLater(ErrorCode.TOO_MANY_STARTS, e.getMessage(), uri, TooManyStarts.RETRY_AFTER_SECONDS);
    }

    @ServerExceptionMapper
    public Response rateLimited(RateLimitExceeded e, UriInfo uri) {
        Log.debugf("rate limited %s: %s", uri.getPath(), e.getMessage());
        return retryLater(ErrorCode.RATE_LIMITED, e.getMessage(), uri, e.retryAfterSeconds());
    }

    @ServerExceptionMapper
    public Response token(TokenRefused e, UriInfo uri) {
        ErrorCode code = e.reason() == TokenRefused.Reason.UNKNOWN ? ErrorCode.UNKNOWN_TOKEN
                : e.reason() == TokenRefused.Reason.NOT_REVOCABLE ? ErrorCode.TOKEN_NOT_REVOCABLE
                : ErrorCode.INVALID_FIELD;
        return problem(code, e.getMessage(), uri, e.field() == null ? Map.of() : Map.of("field", e.field()));
    }

    private static Response unauthenticated(UriInfo uri, String detail) {
        Response problem = problem(ErrorCode.UNAUTHENTICATED, detail, uri, Map.of());
        return Response.fromResponse(problem).header("WWW-Authenticate", "Bearer realm=\"ripple\"").build();
    }

    // Quarkus has mappers of its own for these two; naming them here puts ours first.
    @ServerExceptionMapper
    public Response jsonSyntax(com.fasterxml.jackson.core.JsonParseException e, UriInfo uri) {
        return json(e, uri);
    }

    @ServerExceptionMapper
    public Response jsonShape(com.fasterxml.jackson.databind.exc.MismatchedInputException e, UriInfo uri) {
        return json(e, uri);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, UriInfo uri) {
        Optional<String> field = field(e);
        return problem(ErrorCode.MALFORMED_BODY, jsonDetail(e, field), uri,
                field.<Map<String, Object>>map(f -> Map.of("field", f)).orElse(Map.of()));
    }

    /** The body field a mapping failure is about, as a bot writes it: {@code change.percentage}, {@code roles[0]}. */
    static Optional<String> field(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException m) || m.getPath().isEmpty()) {
            return Optional.empty();
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : m.getPath()) {
            if (r.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? Optional.empty() : Optional.of(path.toString());
    }

    /**
     * Jackson's reason, with the field it is about and with JSON words for the Java types it names (a bot sends a
     * number, not a {@code java.math.BigDecimal}, and Ripple's class names are none of its business).
     */
    static String jsonDetail(JsonProcessingException e, Optional<String> field) {
        Matcher m = JAVA_TYPE.matcher(String.valueOf(e.getOriginalMessage()));
        StringBuilder reason = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(reason, Matcher.quoteReplacement(jsonType(m.group(1))));
        }
        m.appendTail(reason);
        return "the body is not valid JSON for this endpoint: " + field.map(f -> f + ": ").orElse("") + reason;
    }

    private static final Pattern JAVA_TYPE = Pattern.compile("`([^`]+)`");

    private static String jsonType(String javaType) {
        String type = javaType.replaceAll("<.*", "");
        switch (type) {
            case "java.math.BigDecimal", "java.lang.Double", "double", "java.lang.Float", "float":
                return "a number";
            case "java.lang.Integer", "int", "java.lang.Long", "long", "java.math.BigInteger":
                return "a whole number";
            case "java.lang.String":
                return "a string";
            case "java.lang.Boolean", "boolean":
                return "true or false";
            case "java.time.Instant":
                return "an ISO-8601 instant";
            default:
                return type.startsWith("java.util.List") || type.startsWith("java.util.Set") || type.endsWith("[]")
                        ? "a list" : type.startsWith("java.util.Map") || type.startsWith("dev.ripple.")
                        ? "an object" : "`" + javaType + "`";
        }
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        ErrorCode code;
        if (e instanceof NotFoundException) {
            code = ErrorCode.NOT_FOUND;
        } else if (e instanceof NotAllowedException) {
            code = ErrorCode.METHOD_NOT_ALLOWED;
        } else if (e instanceof NotSupportedException) {
            code = ErrorCode.UNSUPPORTED_MEDIA_TYPE;
        } else if (e instanceof NotAcceptableException) {
            code = ErrorCode.NOT_ACCEPTABLE;
        } else if (e.getResponse() != null && e.getResponse().getStatus() < 500) {
            code = e.getCause() instanceof JsonProcessingException ? ErrorCode.MALFORMED_BODY : ErrorCode.BAD_PARAMETER;
        } else {
            return unexpected(e, uri);
        }
        if (e.getCause() instanceof JsonProcessingException j && code == ErrorCode.MALFORMED_BODY) {
            return json(j, uri);
        }
        String detail = code == ErrorCode.NOT_FOUND ? "no resource at " + uri.getPath() : e.getMessage();
        return problem(code, detail, uri, Map.of());
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        if (Failures.noDatabaseConnection(e)) {
            // Overload, not a bug: every database connection stayed busy for the pool's acquisition timeout.
            Log.warnf("No database connection for %s in time: %s", uri.getPath(), Failures.describe(e));
            return retryLater(ErrorCode.DATABASE_BUSY, "every database connection is in use; try again in "
                    + DATABASE_BUSY_RETRY_SECONDS + " s", uri, DATABASE_BUSY_RETRY_SECONDS);
        }
        Log.errorf(e, "Unexpected failure serving %s", uri.getPath());
        return problem(ErrorCode.INTERNAL_ERROR, "Ripple failed to serve this request; the cause is in its log",
                uri, Map.of());
    }

    /** A problem that says when to try again, in {@code Retry-After} and in {@code retryAfterSeconds}. */
    private static Response retryLater(ErrorCode code, String detail, UriInfo uri, long seconds) {
        Response problem = problem(code, detail, uri, Map.of("retryAfterSeconds", seconds));
        return Response.fromResponse(problem).header("Retry-After", seconds).build();
    }

    static Response problem(ErrorCode code, String detail, UriInfo uri, Map<String, Object> extensions) {
        return problem(code, detail, uri.getPath(), extensions);
    }

    static Response problem(ErrorCode code, String detail, String path, Map<String, Object> extensions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "urn:ripple:problem:" + code.code());
        body.put("title", code.title());
        body.put("status", code.status());
        body.put("code", code.code());
        body.put("detail", detail);
        body.put("instance", path);
        body.putAll(extensions);
        return Response.status(code.status()).type(PROBLEM_JSON).entity(body).build();
    }
}
