package dev.ripple.incidents;

import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/** The {@code incident} table. Every method is one transaction, and answers records, never entities. */
@ApplicationScoped
class IncidentStore {
    private static final Sort NEWEST_FIRST = Sort.descending("openedAt").and("id", Sort.Direction.Descending);

    /** Opens an incident, or answers the one opened with this idempotency key before (when the request matches). */
    @Transactional
    IncidentService.Opened open(int ring, String severity, String title, String link, String openedBy, Instant at,
                                String idempotencyKey, String requestHash) {
        if (idempotencyKey != null) {
            IncidentRecord first = IncidentRecord.find("idempotencyKey", idempotencyKey).firstResult();
            if (first != null) {
                if (!first.requestHash.equals(requestHash)) {
                    throw IncidentRefusedException.keyReused(idempotencyKey, first.toIncident());
                }
                return new IncidentService.Opened(first.toIncident(), true);
            }
        }
        IncidentRecord record = new IncidentRecord();
        record.idempotencyKey = idempotencyKey;
        record.requestHash = idempotencyKey == null ? null : requestHash;
        record.ring = ring;
        record.severity = severity;
        record.title = title;
        record.link = link;
        record.openedBy = openedBy;
        record.openedAt = storable(at);
        record.persistAndFlush(); // a duplicate idempotency key fails here, inside the method, as a PersistenceException
        return new IncidentService.Opened(record.toIncident(), false);
    }

    /**
     * Closes an open incident. The update only matches while the incident is open, so two instances closing the same
     * incident at once cannot both succeed.
     */
    @Transactional
    Incident close(long id, String closedBy, Instant at) {
        int updated = IncidentRecord.update("closedBy = ?1, closedAt = ?2 where id = ?3 and closedAt is null",
                closedBy, storable(at), id);
        IncidentRecord record = IncidentRecord.findById(id);
        if (record == null) {
            throw IncidentRefusedException.unknown(Long.toString(id));
        }
        if (updated == 0) {
            throw IncidentRefusedException.closed(record.toIncident());
        }
        return record.toIncident();
    }

    @Transactional
    Optional<Incident> find(long id) {
        return IncidentRecord.<IncidentRecord>findByIdOptional(id).map(IncidentRecord::toIncident);
    }

    @Transactional
    List<Incident> open() {
        return IncidentRecord.<IncidentRecord>list("closedAt is null", NEWEST_FIRST).stream()
                .map(IncidentRecord::toIncident).toList();
    }

    /** The {@code limit} most recently opened of the closed incidents. */
    @Transactional
    List<Incident> newestClosed(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return IncidentRecord.<IncidentRecord>find("closedAt is not null", NEWEST_FIRST).page(0, limit).list()
                .stream().map(IncidentRecord::toIncident).toList();
    }

    /** Databases keep microseconds; keeping no more here makes what is returned equal what is read back. */
    private static Instant storable(Instant at) {
        return at.truncatedTo(ChronoUnit.MICROS);
    }
}
