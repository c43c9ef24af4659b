package dev.ripple.audit;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One line of the audit trail; inserted, never updated. See {@code V5__audit.sql} for what each column holds. */
@Entity
@Table(name = "audit_entry")
class AuditEntryRecord extends PanacheEntityBase {
    static final String REQUEST = "request";
    static final String GATE_CHANGE = "gate-change";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String kind;
    public Instant at;
    public String principal;
    @Column(name = "principal_role")
    public String role;
    public String channel;
    public String via;
    public String action;
    @Column(name = "request_text")
    public String request;
    public Integer status;
    public String outcome;
    public String flag;
    public Integer ring;
    public String cell;
    @Column(name = "rollout_id")
    public Long rolloutId;
    @Column(name = "before_state")
    public String before;
    @Column(name = "after_state")
    public String after;
    @Column(name = "before_gates")
    public String beforeGates;
    @Column(name = "after_gates")
    public String afterGates;
    public String reason;
}
