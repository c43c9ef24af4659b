package dev.ripple.audit;

import io.quarkus.arc.DefaultBean;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

/** Stands in until a durable audit log is wired: requests are logged at DEBUG only. */
@DefaultBean
@ApplicationScoped
class UnrecordedAuditLog implements AuditLog {
    @Override
    public void recordRequest(AuditRequest request) {
        Log.debugf("audit (unrecorded): %s %s by %s -> %d", request.action(), request.outcome(),
                request.principal().name(), request.status());
    }
}
