package dev.ripple.chatops;

import dev.ripple.audit.AuditLog;
import dev.ripple.audit.AuditRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The audit log of {@link ChatOpsProfile}: keeps what it is given, for tests to read. It can also hold the next
 * recording until released, which holds the command being recorded: how a test makes a command outlast Slack's
 * answer deterministically.
 */
@Alternative
@ApplicationScoped
public class RecordingAuditLog implements AuditLog {
    private final List<AuditRequest> requests = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch hold;

    @Override
    public void recordRequest(AuditRequest request) {
        requests.add(request);
        CountDownLatch latch = hold;
        if (latch != null) {
            try {
                latch.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public List<AuditRequest> requests() {
        return List.copyOf(requests);
    }

    public void clear() {
        requests.clear();
    }

    /** Every recording from now on waits until {@link #release()}. */
    public void hold() {
        hold = new CountDownLatch(1);
    }

    public void release() {
        CountDownLatch latch = hold;
        hold = null;
        if (latch != null) {
            latch.countDown();
        }
    }
}
