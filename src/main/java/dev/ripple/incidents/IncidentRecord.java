package dev.ripple.incidents;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An incident opened through the API; open while {@code closedAt} is null. */
@Entity
@Table(name = "incident")
class IncidentRecord extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public int ring;
    public String severity;
    public String title;
    public String link;
    @Column(name = "opened_by")
    public String openedBy;
    @Column(name = "opened_at")
    public Instant openedAt;
    @Column(name = "closed_by")
    public String closedBy;
    @Column(name = "closed_at")
    public Instant closedAt;
    @Column(name = "idempotency_key")
    public String idempotencyKey;
    @Column(name = "request_hash")
    public String requestHash;

    Incident toIncident() {
        return new Incident(Long.toString(id), ring, severity, title, link, Incident.SOURCE_API, openedAt, openedBy,
                closedBy, closedAt);
    }
}
