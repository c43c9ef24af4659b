package dev.ripple.chatops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.chatops.ChatReply.Refusal;
import dev.ripple.platform.Sha256;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs a chat request at most once per key across every instance, and answers a repeat with the first answer: a bot
 * resending with the same {@code Idempotency-Key}, or Slack retrying a slash command, never starts a second rollout.
 * Also keeps the Slack signatures seen, so a replayed request is refused.
 */
@ApplicationScoped
public class ChatRequests {
    private static final Logger LOG = Logger.getLogger(ChatRequests.class);
    /** A request still running after this long was lost with its instance; a repeat may run it again. */
    private static final Duration ABANDONED_AFTER = Duration.ofMinutes(5);
    /** Seen signatures are kept this much longer than strictly needed, for clocks that differ between instances. */
    private static final Duration MARGIN = Duration.ofMinutes(1);

    private final ChatLedger ledger;
    private final ObjectMapper json;
    private final Clock clock;
    private final ChatOpsConfig config;

    ChatRequests(ChatLedger ledger, ObjectMapper json, Clock clock, ChatOpsConfig config) {
        this.ledger = ledger;
        this.json = json;
        this.clock = clock;
        this.config = config;
    }

    /**
     * Runs {@code work} unless a request with the same key ran or is running. {@code work} gets the idempotency key
     * to give the rollout it may start, so that even a repeat that slips past the ledger finds the same rollout.
     *
     * @param key     scoped so that different callers never share keys ({@code bot:NAME:KEY}, {@code slack:…})
     * @param content what the request asks; the same key with other content is refused
     */
    public ChatReply once(String key, String content, Function<String, ChatReply> work) {
        String digest = Sha256.start().add(key).hex();
        String hash = Sha256.start().add(content).hex();
        Instant now = clock.instant();
        ChatLedger.Claim claim = ledger.claim(digest, hash, now, now.minus(ABANDONED_AFTER));
        switch (claim.kind()) {
            case DONE:
                return read(claim.answer());
            case RUNNING:
                return ChatReply.refused(null, new Refusal("idempotency-key-in-use", 409, "The same request is"
                        + " still running; its answer will follow.", Map.of()));
            case REUSED:
                return ChatReply.refused(null, new Refusal("idempotency-key-reused", 422, "Refused: this"
                        + " idempotency key came with a different request before.", Map.of()));
            default:
                ChatReply reply = work.apply("chat:" + digest);
                ledger.finish(digest, write(reply), clock.instant());
                return reply;
        }
    }

    /** False when {@code signature} was seen before within the replay window. */
    boolean firstSighting(String signature) {
        return ledger.firstSighting(signature, clock.instant());
    }

    @Scheduled(every = "1m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purge() {
        Instant now = clock.instant();
        try {
            int purged = ledger.purge(now.minus(config.slack().maxAge()).minus(config.slack().clockSkew())
                    .minus(MARGIN), now.minus(config.idempotencyWindow()));
            LOG.debugf("Purged %d chat request records", purged);
        } catch (RuntimeException e) {
            LOG.warnf("Could not purge old chat request records: %s", e.getMessage());
        }
    }

    private String write(ChatReply reply) {
        try {
            return json.writeValueAsString(reply);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("replies always serialize", e);
        }
    }

    private ChatReply read(String answer) {
        try {
            return json.readValue(answer, ChatReply.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored reply does not read back", e);
        }
    }
}
