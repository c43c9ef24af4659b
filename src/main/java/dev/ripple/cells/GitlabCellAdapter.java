package dev.ripple.cells;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.flags.ActorKind;
import dev.ripple.flags.GateChange;
import dev.ripple.flags.Gates;
import dev.ripple.flags.ObservedFlag;
import dev.ripple.flags.Percentages;
import dev.ripple.topology.Cell;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
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

    GitlabCellAdapter(@RestClient GitlabFeaturesClient client, CredentialResolver credentials,
                      CellEndpoints endpoints, ObjectMapper json) {
        this.client = client;
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
        return withToken(cell, token -> client.list(endpoints.baseUrl(cell), token)
                .map(response -> {
                    if (response.getStatus() != 200) {
                        return CellResult.<List<ObservedFlag>>failed(failure(response));
                    }
                    return parse(response, this::parseFlagList);
                }));
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
                        ? parse(response, GitlabCellAdapter::parseFlag)
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
                .onFailure().recoverWithItem(t -> CellResult.failed(CellError.Kind.UNREACHABLE, describe(t)));
    }

    /** Exception text for an operator: the cause chain's messages, never headers (where the token travels). */
    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
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
            JsonNode node = BODIES.readTree(body);
            String text = node.hasNonNull("message") ? node.get("message").asText()
                    : node.hasNonNull("error") ? node.get("error").asText() : body;
            return text.replaceFirst("^400 Bad request - ", "").strip();
        } catch (IOException | RuntimeException e) {
            return body.isBlank() ? "refused without a reason" : body.strip();
        }
    }

    private <T> CellResult<T> parse(Response response, Parser<T> parser) {
        try {
            return CellResult.ok(parser.parse(json.readTree(response.readEntity(byte[].class))));
        } catch (IOException | RuntimeException e) {
            return CellResult.failed(CellError.Kind.BAD_RESPONSE, "could not read the answer: " + e.getMessage());
        }
    }

    private List<ObservedFlag> parseFlagList(JsonNode node) {
        if (!node.isArray()) {
            throw new IllegalArgumentException("expected a JSON array of features");
        }
        List<ObservedFlag> flags = new ArrayList<>(node.size());
        node.forEach(f -> flags.add(parseFlag(f)));
        return flags;
    }

    /** One feature: {@code {"name":..,"state":..,"gates":[{"key":..,"value":..}]}}. Unknown gate keys are ignored. */
    static ObservedFlag parseFlag(JsonNode node) {
        String name = node.path("name").asText(null);
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a feature without a name");
        }
        boolean enabled = false;
        BigDecimal actorsPct = null;
        BigDecimal timePct = null;
        TreeSet<String> actors = new TreeSet<>();
        TreeSet<String> groups = new TreeSet<>();
        for (JsonNode gate : node.path("gates")) {
            JsonNode value = gate.path("value");
            switch (gate.path("key").asText()) {
                case "boolean" -> enabled = value.asBoolean(false) || "true".equals(value.asText());
                case "percentage_of_actors" -> actorsPct = decimal(value);
                case "percentage_of_time" -> timePct = decimal(value);
                case "actors" -> value.forEach(a -> actors.add(a.asText()));
                case "groups" -> value.forEach(g -> groups.add(g.asText()));
                default -> {
                    // A gate type this version does not know: keep reading the rest rather than fail the cell.
                }
            }
        }
        return new ObservedFlag(name, new Gates(enabled, actorsPct, timePct, actors, groups));
    }

    private static BigDecimal decimal(JsonNode value) {
        if (value.isNull() || value.isMissingNode()) {
            return null;
        }
        return value.isNumber() ? value.decimalValue() : new BigDecimal(value.asText());
    }

    @FunctionalInterface
    private interface Parser<T> {
        T parse(JsonNode node) throws IOException;
    }
}
