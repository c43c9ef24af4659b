package dev.ripple.audit;

import dev.ripple.notify.FlagLogEntry;
import dev.ripple.notify.Notifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import org.jboss.logging.Logger;

/**
 * Publishes the feature-flag log to the notification sinks (event {@code flag-log}). Entries come from
 * {@link GateChangeRecorder} and are published only once the transaction that recorded their gate changes has
 * committed: a log entry never announces a change the audit does not have. Publishing only queues; it never slows
 * the rollout that made the change.
 */
@ApplicationScoped
public class FlagLog {
    private static final Logger LOG = Logger.getLogger(FlagLog.class);

    private final Notifier notifier;

    FlagLog(Notifier notifier) {
        this.notifier = notifier;
    }

    void published(@Observes(during = TransactionPhase.AFTER_SUCCESS) FlagLogBatch batch) {
        for (FlagLogEntry entry : batch.entries()) {
            publish(entry);
        }
    }

    /** Hands one entry to the sinks; never throws. */
    void publish(FlagLogEntry entry) {
        try {
            notifier.publish(entry.notification());
        } catch (RuntimeException e) {
            LOG.warnf("Could not queue the feature-flag log entry of rollout %s: %s", entry.rolloutId(), e.toString());
        }
    }
}
