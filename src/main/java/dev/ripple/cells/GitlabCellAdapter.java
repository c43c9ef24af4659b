package dev.ripple.cells;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.flags.ActorKind;
import dev.ripple.flags.GateChange;
import dev.ripple.flags.Gates;
import dev.ripple.flags.ObservedFlag;
import dev.ripple.flags.Percentages;
import dev.ripple.platform.Failures;
import dev.ripple.topology.Cell;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Speaks GitLab's Features API ({@code /api/v4/features}) exactly: {@code PRIVATE-TOKEN}, form posts, 201/204, 400
 * bodies turned into readable reasons, decimal percentages. One call here is one attempt; retries, timeouts and the
 * breaker live in {@link CellGateway}, the same for every adapter.
 */
@ApplicationScoped
class GitlabCellAdapter implements CellAdapter {
    private static final Pattern FULLY_ENABLED_REFUSAL =
            Pattern.compile("Cannot enable percentage of (actors|time) for a fully-enabled flag");

    private static final ObjectMapper BODIES = new ObjectMapper();

    private final GitlabFeaturesClient client;
    private final CredentialResolver credentials;
    private final CellEndpoints endpoints;
    private final ObjectMapper json;
    private final java.util.Map<String, LastList> lastLists = new java.util.concurrent.ConcurrentHashMap<>();
    private final CellAnswerThreads answers;

    GitlabCellAdapter(@RestClient GitlabFeaturesClient client, CredentialResolver credentials,
                      CellEndpoints endpoints, ObjectMapper json, CellAnswerThreads answers) {
        this.client = client;
        this.answers = answers;
        this.credentials = credentials;
        this.endpoints = endpoints;
        this.json = json;
    }

    @Override
    public String type() {
        return "gitlab";
    }

    @Override
    public Uni<CellResult<List<ObservedFlag>>> listFlags(Cell cell) {
        return list(cell, body -> readList(cell.id(), body));
    }

    private <T> Uni<CellResult<T>> list(Cell cell, java.util.function.Function<Answer, CellResult<T>> read) {
        return withToken(cell, token -> client.list(endpoints.baseUrl(cell), token)
                .emitOn(answers)
                .map(response -> {
                    if (response.getStatus() != 200) {
                        return CellResult.<T>failed(failure(response));
                    }
                    try (InputStream in = response.readEntity(InputStream.class)) {
                        return read.apply(Answer.readReusing(in));
                    } catch (IOException e) {
                        return CellResult.<T>failed(CellError.Kind.BAD_RESPONSE,
                                "could not read the answer: " + e.getMessage());
                    }
                }));
    }

    /**
     * GitLab has no single-flag read: the whole list comes back (28 KB for 200 flags), but only the wanted flag is
     * built from it. An answer byte-for-byte the same as the last full read is looked up in what that read built.
     */
    @Override
    public Uni<CellResult<Optional<Gates>>> readFlag(Cell cell, String flag) {
        return list(cell, body -> findFlag(cell.id(), body, flag));
    }

    private CellResult<Optional<Gates>> findFlag(String cellId, Answer body, String flag) {
        LastList last = lastLists.get(cellId);
        if (last != null && last.length == body.length() && last.fingerprint == body.fingerprint()) {
            return CellResult.ok(last.flags.stream().filter(f -> f.name().equals(flag)).map(ObservedFlag::gates)
                    .findFirst());
        }
        try {
            return CellResult.ok(GitlabJson.findFlag(json.getFactory(), body, flag).map(ObservedFlag::gates));
        } catch (IOException | RuntimeException e) {
            return CellResult.failed(CellError.Kind.BAD_RESPONSE, "could not read the answer: " + e.getMessage());
        }
    }

    /**
     * Most refreshes find a cell exactly as it was: when the answer's bytes are the same as last time, the flags
     * parsed then are returned again (the same list instance, which the cache also recognises) without parsing.
     */
    private CellResult<List<ObservedFlag>> readList(String cellId, Answer body) {
        long fingerprint = body.fingerprint();
        LastList last = lastLists.get(cellId);
        if (last != null && last.fingerprint == fingerprint && last.length == body.length()) {
            return CellResult.ok(last.flags);
        }
        try {
            List<ObservedFlag> flags = GitlabJson.parseFlagList(json.getFactory(), body);
            lastLists.put(cellId, new LastList(fingerprint, body.length(), flags));
            return CellResult.ok(flags);
        } catch (IOException | RuntimeException e) {
            return CellResult.failed(CellError.Kind.BAD_RESPONSE, "could not read the answer: " + e.getMessage());
        }
    }

    private record LastList(long fingerprint, int length, List<ObservedFlag> flags) {
    }

    @Override
    public Uni<CellResult<ObservedFlag>> setGate(Cell cell, String flag, GateChange change) {
        if (change instanceof GateChange.SetActors actors && actors.kind() == ActorKind.ORGANIZATION) {
            return Uni.createFrom().item(CellResult.failed(CellError.Kind.UNSUPPORTED,
                    "GitLab's Features API has no parameter for organization actors yet"));
        }
        MultivaluedMap<String, String> form = form(change);
        return withToken(cell, token -> post(cell, token, flag, form)
                .flatMap(result -> {
                    // GitLab refuses a percentage on a fully-on flag: switch it off first, then set the percentage.
                    if (change instanceof GateChange.SetPercentage && result instanceof CellResult.Failed<ObservedFlag> f
                            && f.error().kind() == CellError.Kind.REJECTED
                            && FULLY_ENABLED_REFUSAL.matcher(f.error().message()).find()) {
                        return post(cell, token, flag, form(new GateChange.SetBoolean(false)))
                                .flatMap(off -> off.isOk() ? post(cell, token, flag, form) : Uni.createFrom().item(off));
                    }
                    return Uni.createFrom().item(result);
                }));
    }

    @Override
    public Uni<CellResult<Void>> deleteFlag(Cell cell, String flag) {
        return withToken(cell, token -> client.delete(endpoints.baseUrl(cell), token, flag)
                .map(response -> response.getStatus() == 204 || response.getStatus() == 200
                        ? CellResult.<Void>ok(null)
                        : CellResult.<Void>failed(failure(response))));
    }

    private Uni<CellResult<ObservedFlag>> post(Cell cell, String token, String flag, MultivaluedMap<String, String> form) {
        return client.set(endpoints.baseUrl(cell), token, flag, form)
                .map(response -> response.getStatus() == 201 || response.getStatus() == 200
                        ? readFlag(response.readEntity(byte[].class))
                        : CellResult.<ObservedFlag>failed(failure(response)));
    }

    static MultivaluedMap<String, String> form(GateChange change) {
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        if (change instanceof GateChange.SetBoolean b) {
            form.putSingle("value", Boolean.toString(b.enabled()));
        } else if (change instanceof GateChange.SetPercentage p) {
            form.putSingle("value", Percentages.format(p.percentage()));
            form.putSingle("key", p.kind().gateKey());
        } else if (change instanceof GateChange.SetActors a) {
            form.putSingle("value", Boolean.toString(a.enable()));
            form.putSingle(a.kind().wireName(), String.join(",", a.actors()));
        }
        return form;
    }

    private <T> Uni<CellResult<T>> withToken(Cell cell, java.util.function.Function<String, Uni<CellResult<T>>> call) {
        CredentialResolver.Resolved token = credentials.resolve(cell.credential());
        if (!token.isPresent()) {
            return Uni.createFrom().item(CellResult.failed(CellError.Kind.CREDENTIAL_MISSING, token.problem()));
        }
        return call.apply(token.value())
                .onFailure().recoverWithItem(t -> CellResult.failed(CellError.Kind.UNREACHABLE, Failures.describe(t)));
    }

    private static CellError failure(Response response) {
        int status = response.getStatus();
        String body = response.hasEntity() ? response.readEntity(String.class) : "";
        if (status == 400) {
            return new CellError(CellError.Kind.REJECTED, refusalReason(body), status, 1);
        }
        if (status == 401 || status == 403) {
            return new CellError(CellError.Kind.UNAUTHORIZED, "the cell refused the admin token", status, 1);
        }
        if (status == 429) {
            return new CellError(CellError.Kind.RATE_LIMITED, "the cell is rate limiting admin calls", status, 1);
        }
        if (status >= 500) {
            return new CellError(CellError.Kind.SERVER_ERROR, "the cell answered " + status, status, 1);
        }
        if (status == 404) {
            return new CellError(CellError.Kind.BAD_RESPONSE, "no Features API at this base URL", status, 1);
        }
        return new CellError(CellError.Kind.BAD_RESPONSE, "unexpected answer " + status, status, 1);
    }

    /** {@code {"message":"400 Bad request - reason"}} or {@code {"error":"reason"}} → {@code reason}. */
    static String refusalReason(String body) {
        try {
            com.fasterxml.jackson.databind.JsonNode node = BODIES.readTree(body);
            String text = node.hasNonNull("message") ? node.get("message").asText()
                    : node.hasNonNull("error") ? node.get("error").asText() : body;
            return text.replaceFirst("^400 Bad request - ", "").strip();
        } catch (IOException | RuntimeException e) {
            return body.isBlank() ? "refused without a reason" : body.strip();
        }
    }

    private CellResult<ObservedFlag> readFlag(byte[] body) {
        try {
            return CellResult.ok(GitlabJson.parseFlag(json.getFactory(), body));
        } catch (IOException | RuntimeException e) {
            return CellResult.failed(CellError.Kind.BAD_RESPONSE, "could not read the answer: " + e.getMessage());
        }
    }
}
