package dev.ripple.chatops;

import dev.ripple.chatops.ChatReply.Refusal;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * Slack slash commands: checks the request is Slack's (signed with the app's signing secret, recent, not seen before),
 * maps the Slack user to a principal, runs the command, and answers within Slack's 3 seconds: with the reply when the
 * command is done in time, otherwise with "working on it", the reply following through the request's
 * {@code response_url}. A Slack retry carries the same body and gets the first answer; nothing runs twice.
 */
@ApplicationScoped
public class SlackCommands {
    /** How chat principals acting through the Slack app show where they came from. */
    public static final String VIA = "slack";
    private static final Logger LOG = Logger.getLogger(SlackCommands.class);
    private static final Pattern LINK = Pattern.compile("<((?:https?|mailto):[^|>\\s]+)(?:\\|[^>]*)?>");

    private final ChatOpsConfig.Slack config;
    private final Config properties;
    private final ChatUsers users;
    private final ChatCommands commands;
    private final ChatRequests requests;
    private final SlackResponder responder;
    private final Clock clock;
    private final AtomicBoolean warnedUnconfigured = new AtomicBoolean();

    SlackCommands(ChatOpsConfig config, Config properties, ChatUsers users, ChatCommands commands,
                  ChatRequests requests, SlackResponder responder, Clock clock) {
        this.config = config.slack();
        this.properties = properties;
        this.users = users;
        this.commands = commands;
        this.requests = requests;
        this.responder = responder;
        this.clock = clock;
    }

    /** How a request ends: refused before anything ran, or answered for Slack. */
    public sealed interface Outcome {
        /** {@code code}: {@code invalid-signature}, {@code chatops-not-configured} or {@code malformed-body}. */
        record Refused(int status, String code, String detail) implements Outcome {
        }

        /** Slack's reply: {@code responseType} is {@code in_channel} or {@code ephemeral}. */
        record Answer(String responseType, String text) implements Outcome {
        }
    }

    /**
     * @param body the raw request body, exactly as received: the signature covers its bytes
     */
    public CompletionStage<Outcome> handle(String timestamp, String signature, byte[] body) {
        Optional<String> secret = signingSecret();
        if (secret.isEmpty()) {
            if (warnedUnconfigured.compareAndSet(false, true)) {
                LOG.warnf("A Slack command came in, but no signing secret is set (%s): Slack commands are refused",
                        where());
            }
            return done(new Outcome.Refused(503, "chatops-not-configured", "Slack commands are not set up here: no"
                    + " signing secret is configured"));
        }
        Optional<String> problem = SlackSignature.problem(timestamp, signature, body, secret.get(), clock.instant(),
                config.maxAge(), config.clockSkew());
        if (problem.isPresent()) {
            LOG.debugf("Refused a Slack request: %s", problem.get());
            return done(new Outcome.Refused(401, "invalid-signature", problem.get()));
        }
        // Only a correctly signed request reaches the database, so a flood of forged ones writes nothing.
        if (!requests.firstSighting(signature.strip())) {
            LOG.warnf("Refused a replayed Slack request (signature seen before, timestamp %s)", timestamp);
            return done(new Outcome.Refused(401, "invalid-signature", "this request was received before: a replay"));
        }
        String raw = new String(body, StandardCharsets.UTF_8);
        Map<String, String> form;
        try {
            form = form(raw);
        } catch (IllegalArgumentException e) {
            return done(new Outcome.Refused(400, "malformed-body", "the body is not form-encoded"));
        }
        String userId = form.getOrDefault("user_id", "").strip();
        if (userId.isEmpty()) {
            return done(new Outcome.Refused(400, "malformed-body", "a Slack command carries a user_id"));
        }
        ChatUser user = users.resolve(userId, VIA);
        String text = plain(form.getOrDefault("text", ""));
        String responseUrl = form.get("response_url");
        LOG.debugf("Slack command from %s (%s): %s", userId, user.principal().name(), text);

        CompletableFuture<ChatReply> work = CompletableFuture.supplyAsync(() -> requests.once("slack:" + raw, raw,
                key -> commands.run(user, text, key)), Infrastructure.getDefaultWorkerPool());
        AtomicBoolean answered = new AtomicBoolean();
        CompletableFuture<Outcome> answer = new CompletableFuture<>();
        work.whenComplete((reply, failure) -> {
            ChatReply result = reply;
            if (failure != null) {
                LOG.errorf(failure, "Slack command from %s failed", userId);
                result = ChatReply.refused(null, new Refusal("internal-error", 500, "Ripple failed to run this"
                        + " command; the cause is in its log", Map.of()));
            }
            if (answered.compareAndSet(false, true)) {
                answer.complete(new Outcome.Answer(responseType(result), result.text()));
            } else {
                responder.post(responseUrl, result);
            }
        });
        CompletableFuture.delayedExecutor(config.replyWithin().toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (answered.compareAndSet(false, true)) {
                answer.complete(new Outcome.Answer("ephemeral", "Working on it… the result will follow here."));
            }
        });
        return answer;
    }

    static String responseType(ChatReply reply) {
        return reply.ok() && reply.inChannel() ? "in_channel" : "ephemeral";
    }

    /** The signing secret, read at each request so a rotated secret applies without a restart. */
    private Optional<String> signingSecret() {
        if (config.signingSecretFile().isPresent()) {
            try {
                return Optional.of(Files.readString(Path.of(config.signingSecretFile().get())).strip())
                        .filter(s -> !s.isEmpty());
            } catch (IOException e) {
                LOG.warnf("Cannot read the Slack signing secret file %s (%s)", config.signingSecretFile().get(),
                        e.getClass().getSimpleName());
                return Optional.empty();
            }
        }
        String name = config.signingSecretEnv();
        return Optional.ofNullable(System.getenv(name)).or(() -> properties.getOptionalValue(name, String.class))
                .map(String::strip).filter(s -> !s.isEmpty());
    }

    private String where() {
        return config.signingSecretFile().map(f -> "ripple.chatops.slack.signing-secret-file " + f)
                .orElse("ripple.chatops.slack.signing-secret-env names " + config.signingSecretEnv() + ", unset");
    }

    private static CompletionStage<Outcome> done(Outcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            fields.putIfAbsent(name, value);
        }
        return fields;
    }

    /** The text as typed: Slack wraps links in {@code <…>} and escapes {@code & < >}. */
    static String plain(String slackText) {
        return LINK.matcher(slackText).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(m.group(1)))
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
}
