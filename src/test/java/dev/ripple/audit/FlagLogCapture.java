package dev.ripple.audit;

import dev.ripple.notify.FlagLogEntry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every feature-flag log entry the application publishes, as {@link FlagLog} receives it, for tests to read. */
@ApplicationScoped
public class FlagLogCapture {
    private final List<FlagLogEntry> entries = new CopyOnWriteArrayList<>();

    void published(@Observes(during = TransactionPhase.AFTER_SUCCESS) FlagLogBatch batch) {
        entries.addAll(batch.entries());
    }

    /** The entries of one flag, oldest first. */
    public List<FlagLogEntry> of(String flag) {
        return entries.stream().filter(e -> e.flag().equals(flag)).toList();
    }
}
