package dev.ripple.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.flags.Gates;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads the audit trail, newest first. There is deliberately nothing here that changes or removes an entry. */
@ApplicationScoped
public class AuditTrail {
    private final EntityManager em;
    private final ObjectMapper json;

    AuditTrail(EntityManager em, ObjectMapper json) {
        this.em = em;
        this.json = json;
    }

    public List<AuditEntry> find(AuditQuery query) {
        return QuarkusTransaction.joiningExisting().call(() -> {
            StringBuilder q = new StringBuilder("from AuditEntryRecord where 1 = 1");
            Map<String, Object> params = new HashMap<>();
            query.flag().ifPresent(v -> where(q, params, "flag", v));
            query.cell().ifPresent(v -> where(q, params, "cell", v));
            query.ring().ifPresent(v -> where(q, params, "ring", v));
            query.principal().ifPresent(v -> where(q, params, "principal", v));
            query.kind().ifPresent(v -> where(q, params, "kind", v));
            query.since().ifPresent(v -> {
                q.append(" and at >= :since");
                params.put("since", v);
            });
            if (query.before() != null) {
                q.append(" and id < :before");
                params.put("before", query.before());
            }
            q.append(" order by id desc");
            var found = em.createQuery(q.toString(), AuditEntryRecord.class).setMaxResults(query.limit());
            params.forEach(found::setParameter);
            return found.getResultList().stream().map(this::entry).toList();
        });
    }

    private static void where(StringBuilder q, Map<String, Object> params, String column, Object value) {
        q.append(" and ").append(column).append(" = :").append(column);
        params.put(column, value);
    }

    private AuditEntry entry(AuditEntryRecord r) {
        return new AuditEntry(r.id, r.kind, r.at, r.principal, r.role, r.channel, r.via, r.action, r.request,
                r.status, r.outcome, r.flag, r.ring, r.cell, r.rolloutId, r.before, r.after, gates(r.beforeGates),
                gates(r.afterGates), r.reason);
    }

    private Gates gates(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readValue(text, Gates.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable gates in the audit trail: " + e.getOriginalMessage(), e);
        }
    }
}
