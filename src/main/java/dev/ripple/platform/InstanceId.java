package dev.ripple.platform;

import java.lang.management.ManagementFactory;
import java.util.UUID;

/**
 * This process's name among the Ripple instances sharing a database: {@code PID@HOST/RANDOM}. It is the owner written
 * in rollout leases, and every call to a cell carries it in {@link #HEADER}, so a cell's access log (or the sandbox
 * fleet's call log) tells which instance wrote what. The random part differs on every start, so a restarted process
 * never mistakes the leases of its previous life for its own.
 */
public final class InstanceId {
    /** The request header naming the instance on every cell call. */
    public static final String HEADER = "X-Ripple-Instance";

    private static final String ID = ManagementFactory.getRuntimeMXBean().getName() + "/"
            + UUID.randomUUID().toString().substring(0, 8);

    private InstanceId() {
    }

    /** The same value for the life of the process. */
    public static String current() {
        return ID;
    }
}
