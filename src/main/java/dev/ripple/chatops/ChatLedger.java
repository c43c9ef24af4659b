package dev.ripple.chatops;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

/**
 * What every instance must agree on about chat requests, in the shared database: the Slack signatures seen within
 * the replay window, and the requests that must run once with the answer they got. Each method is one transaction.
 * Inserts look first and catch the rare race, so a repeat never makes the database log a constraint violation.
 */
@ApplicationScoped
class ChatLedger {
    private final EntityManager em;

    ChatLedger(EntityManager em) {
        this.em = em;
    }

    /** Records a signature; false when it was seen before: the request is a replay. */
    boolean firstSighting(String signature, Instant now) {
        if (exists(SeenSignatureRecord.class, signature)) {
            return false;
        }
        return insertOrFalse(() -> {
            SeenSignatureRecord row = new SeenSignatureRecord();
            row.signature = signature;
            row.seenAt = storable(now);
            em.persist(row);
            return true;
        }, SeenSignatureRecord.class, signature);
    }

    /** Where a request stands: new (this caller runs it), done (with its answer), still running, or key reused. */
    record Claim(Kind kind, String answer) {
        enum Kind { NEW, DONE, RUNNING, REUSED }
    }

    /**
     * Claims {@code key} for a request whose content hashes to {@code requestHash}. A claim left running since before
     * {@code abandonedBefore} (its instance died) is taken over.
     */
    Claim claim(String key, String requestHash, Instant now, Instant abandonedBefore) {
        Claim existing = QuarkusTransaction.requiringNew().call(() -> {
            ChatRequestRecord row = em.find(ChatRequestRecord.class, key);
            if (row == null) {
                return null;
            }
            if (!row.requestHash.equals(requestHash)) {
                return new Claim(Claim.Kind.REUSED, null);
            }
            if (row.answer != null) {
                return new Claim(Claim.Kind.DONE, row.answer);
            }
            int taken = em.createQuery("update ChatRequestRecord set startedAt = :now where requestKey = :key"
                            + " and answer is null and startedAt < :before")
                    .setParameter("now", storable(now)).setParameter("key", key)
                    .setParameter("before", storable(abandonedBefore)).executeUpdate();
            return new Claim(taken == 1 ? Claim.Kind.NEW : Claim.Kind.RUNNING, null);
        });
        if (existing != null) {
            return existing;
        }
        boolean inserted = insertOrFalse(() -> {
            ChatRequestRecord row = new ChatRequestRecord();
            row.requestKey = key;
            row.requestHash = requestHash;
            row.startedAt = storable(now);
            em.persist(row);
            return true;
        }, ChatRequestRecord.class, key);
        // Lost a race with another instance claiming the same key: what it holds decides.
        return inserted ? new Claim(Claim.Kind.NEW, null) : claim(key, requestHash, now, Instant.MIN);
    }

    void finish(String key, String answer, Instant now) {
        QuarkusTransaction.requiringNew().run(() -> em.createQuery("update ChatRequestRecord set answer = :answer,"
                        + " finishedAt = :now where requestKey = :key")
                .setParameter("answer", answer).setParameter("now", storable(now)).setParameter("key", key)
                .executeUpdate());
    }

    /** Forgets signatures seen before {@code signaturesBefore} and requests started before {@code requestsBefore}. */
    int purge(Instant signaturesBefore, Instant requestsBefore) {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery("delete from SeenSignatureRecord"
                        + " where seenAt < :before").setParameter("before", storable(signaturesBefore)).executeUpdate()
                + em.createQuery("delete from ChatRequestRecord where startedAt < :before")
                .setParameter("before", storable(requestsBefore)).executeUpdate());
    }

    private boolean exists(Class<?> type, String id) {
        return QuarkusTransaction.requiringNew().call(() -> em.find(type, id) != null);
    }

    private boolean insertOrFalse(Supplier<Boolean> insert, Class<?> type, String id) {
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                boolean done = insert.get();
                em.flush();
                return done;
            });
        } catch (RuntimeException e) {
            if (exists(type, id)) {
                return false;
            }
            throw e;
        }
    }

    private static Instant storable(Instant at) {
        return at.equals(Instant.MIN) ? Instant.EPOCH : at.truncatedTo(ChronoUnit.MICROS);
    }
}
