package dev.ripple.audit;

/** The append-only audit trail. Recording never throws: a failure to record is logged, and the request stands. */
public interface AuditLog {
    void recordRequest(AuditRequest request);
}
