package dev.ripple.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.auth.Principal;
import dev.ripple.platform.Failures;
import io.quarkus.arc.Arc;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The audit trail in the database: each request in a transaction of its own, committed before the caller answers.
 * The request text goes through {@link Redaction} again here, whoever built it, so no channel can store a secret.
 */
@ApplicationScoped
class JpaAuditLog implements AuditLog {
    private static final Pattern ROLLOUT_PATH = Pattern.compile("/api/v1/rollouts/(\\d{1,18})(?:[/?]|$)");
    private static final Pattern FLAG_COMMAND = Pattern.compile("^\\s*feature\\s+(?:set|delete)\\s+([a-z0-9_]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EntityManager em;
    private final Clock clock;
    private final RecordedInRequest current;

    JpaAuditLog(EntityManager em, Clock clock, RecordedInRequest current) {
        this.em = em;
        this.clock = clock;
        this.current = current;
    }

    @Override
    public void recordRequest(AuditRequest request) {
        try {
            AuditEntryRecord row = row(request);
            QuarkusTransaction.requiringNew().run(() -> em.persist(row));
            if (Arc.container().requestContext().isActive()) {
                current.mark();
            }
        } catch (RuntimeException e) {
            // The request has happened either way; losing its record is worth an ERROR, not a failed answer.
            Log.errorf("Could not record %s in the audit log: %s", request == null ? "a request" : request.action(),
                    Failures.describe(e));
        }
    }

    private AuditEntryRecord row(AuditRequest request) {
        Principal principal = request.principal() == null ? Principal.ANONYMOUS : request.principal();
        AuditEntryRecord row = new AuditEntryRecord();
        row.kind = AuditEntryRecord.REQUEST;
        row.at = clock.instant().truncatedTo(ChronoUnit.MICROS);
        row.principal = Redaction.cap(principal.name(), 200);
        row.role = principal.topRole();
        row.channel = principal.channel().id();
        row.via = Redaction.cap(principal.via(), 200);
        row.action = Redaction.cap(Redaction.text(request.action()), 500);
        row.request = Redaction.text(request.request());
        row.status = request.status();
        row.outcome = Redaction.cap(Redaction.text(request.outcome()), 2000);
        row.flag = flag(row.request);
        row.rolloutId = rollout(request.action()).orElseGet(() -> rollout(request.outcome()).orElse(null));
        return row;
    }

    /** The flag a request is about, when it names one: {@code "flag"} in a JSON body, or a feature command. */
    private static String flag(String request) {
        if (request == null) {
            return null;
        }
        Matcher command = FLAG_COMMAND.matcher(request);
        if (command.find()) {
            return command.group(1);
        }
        if (!request.startsWith("{")) {
            return null;
        }
        try {
            JsonNode flag = JSON.readTree(request).get("flag");
            return flag != null && flag.isTextual() ? Redaction.cap(flag.asText(), 200) : null;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            return null;
        }
    }

    /** The rollout a request acted on or created, from its path or the {@code Location} it answered with. */
    private static java.util.Optional<Long> rollout(String text) {
        if (text == null) {
            return java.util.Optional.empty();
        }
        Matcher m = ROLLOUT_PATH.matcher(text);
        return m.find() ? java.util.Optional.of(Long.parseLong(m.group(1))) : java.util.Optional.empty();
    }
}
