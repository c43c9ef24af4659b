package dev.ripple.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ripple.auth.CurrentPrincipal;
import dev.ripple.auth.Role;
import dev.ripple.chatops.BotCommands;
import dev.ripple.chatops.ChatReply;
import dev.ripple.chatops.SlackCommands;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ChatOps over HTTP: Slack slash commands, authenticated by Slack's request signature, and the same commands for
 * other bots, authenticated by a bot token. Both go through the one parser and the services the rest of the API uses.
 */
@Path("/api/v1/chatops")
@Tag(name = "chatops", description = "Chat commands from Slack and from other bots (docs/chatops.md)")
@Blocking
public class ChatOpsResource {
    private static final int KEY_MAX = 200;

    private final SlackCommands slack;
    private final BotCommands bots;
    private final CurrentPrincipal principal;

    ChatOpsResource(SlackCommands slack, BotCommands bots, CurrentPrincipal principal) {
        this.slack = slack;
        this.bots = bots;
        this.principal = principal;
    }

    /** A command from a bot, on behalf of one of its users. */
    public record CommandRequest(String text, String user) {
    }

    /** A command that ran; refusals are problem documents instead. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CommandAnswer(boolean ok, String command, String text, Long rolloutId, String incidentId) {
    }

    @POST
    @Path("/slack")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    @PermitAll
    @Operation(summary = "A Slack slash command",
            description = "Slack's form-encoded request, signed with the app's signing secret (X-Slack-Signature,"
                    + " X-Slack-Request-Timestamp). Answers {\"response_type\",\"text\"} within Slack's 3 seconds;"
                    + " a command still running by then answers \"working on it\" and posts its result to the"
                    + " request's response_url.")
    public Uni<Response> slack(byte[] body, @HeaderParam("X-Slack-Request-Timestamp") String timestamp,
                               @HeaderParam("X-Slack-Signature") String signature, @Context UriInfo uri) {
        String path = uri.getPath();
        return Uni.createFrom().completionStage(slack.handle(timestamp, signature, body == null ? new byte[0] : body))
                .map(outcome -> {
                    if (outcome instanceof SlackCommands.Outcome.Answer answer) {
                        Map<String, Object> json = new LinkedHashMap<>();
                        json.put("response_type", answer.responseType());
                        json.put("text", answer.text());
                        return Response.ok(json, MediaType.APPLICATION_JSON).build();
                    }
                    SlackCommands.Outcome.Refused refused = (SlackCommands.Outcome.Refused) outcome;
                    return ProblemMapper.problem(ErrorCode.fromCode(refused.code()).orElse(ErrorCode.INTERNAL_ERROR),
                            refused.detail(), path, Map.of());
                });
    }

    @POST
    @Path("/command")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.Names.BOT)
    @Operation(summary = "A chat command from another bot, for one of its users",
            description = "Body: {\"text\":\"feature set x 25 --actors --ring=2\",\"user\":\"alice\"}. The user is"
                    + " mapped to roles by ripple.chatops.users, like a Slack user. 200 with {ok, command, text,"
                    + " rolloutId?, incidentId?} when the command ran; otherwise a problem document whose code is"
                    + " the one the REST API answers for the same refusal (invalid-command with the usage, forbidden,"
                    + " rollout-active …) and whose text is the chat reply. Honors Idempotency-Key.")
    public Response command(CommandRequest body, @HeaderParam("Idempotency-Key") String key) {
        if (body == null) {
            throw new ApiException(ErrorCode.MALFORMED_BODY, "expected {\"text\": \"feature get x\", \"user\": \"...\"}");
        }
        if (body.text() == null) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "text is required: the command, as typed in chat",
                    Map.of("field", "text"));
        }
        if (body.user() == null || body.user().isBlank() || body.user().length() > 100) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "user is required (at most 100 characters): the chat"
                    + " user the command is for", Map.of("field", "user"));
        }
        if (key != null && (key.isBlank() || key.length() > KEY_MAX)) {
            throw new ApiException(ErrorCode.BAD_PARAMETER, "an idempotency key is 1 to " + KEY_MAX + " characters");
        }
        ChatReply reply = bots.run(principal.get().name(), body.user().strip(), body.text(), key);
        if (reply.ok()) {
            return Response.ok(new CommandAnswer(true, reply.command(), reply.text(), reply.rolloutId(),
                    reply.incidentId())).build();
        }
        ChatReply.Refusal refusal = reply.refusal();
        Map<String, Object> extensions = new LinkedHashMap<>(refusal.details());
        extensions.put("ok", false);
        extensions.put("text", refusal.text());
        String detail = refusal.details().containsKey("problem") ? refusal.details().get("problem")
                + "; usage: " + refusal.details().get("usage") : refusal.text();
        throw new ApiException(ErrorCode.fromCode(refusal.code()).orElse(ErrorCode.INTERNAL_ERROR), detail,
                extensions);
    }
}
