package dev.ripple.sandbox;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The admin-API calls the fleet's cells received, in the order they ended, with who made them (the caller's
 * {@code X-Ripple-Instance} header): the evidence a reliability run reads to tell which Ripple instance wrote which
 * cell, and which calls were in flight when a process died. Keeps the newest {@code capacity} calls.
 */
public final class SandboxCalls {
    /** The header a caller names itself in (Ripple sends its instance id). */
    public static final String INSTANCE_HEADER = "X-Ripple-Instance";
    static final int DEFAULT_CAPACITY = 200_000;

    /**
     * One call.
     *
     * @param flag     the flag a POST or DELETE named; null for a list
     * @param params   a POST's parameters (value, key, actors); empty otherwise
     * @param instance the caller's {@link #INSTANCE_HEADER}, or null
     * @param status   the HTTP status answered; 0 when no answer was sent (the client had gone, or the cell is down)
     */
    public record Call(long seq, String cell, String method, String flag, Map<String, String> params, String instance,
                       Instant receivedAt, Instant endedAt, int status) {
    }

    private final int capacity;
    private final ArrayDeque<Call> calls = new ArrayDeque<>();
    private long lastSeq;
    private int inFlight;

    public SandboxCalls() {
        this(DEFAULT_CAPACITY);
    }

    SandboxCalls(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
    }

    /** A call arrived; {@link #record} ends it. */
    synchronized void started() {
        inFlight++;
    }

    /** Calls that arrived and have not ended yet (a cell's injected latency, say). */
    public synchronized int inFlight() {
        return inFlight;
    }

    synchronized Call record(String cell, String method, String flag, Map<String, String> params, String instance,
                             Instant receivedAt, Instant endedAt, int status) {
        inFlight = Math.max(0, inFlight - 1);
        Call call = new Call(++lastSeq, cell, method, flag, params == null ? Map.of() : Map.copyOf(params), instance,
                receivedAt, endedAt, status);
        calls.addLast(call);
        if (calls.size() > capacity) {
            calls.removeFirst();
        }
        return call;
    }

    /** Up to {@code limit} calls with a sequence number above {@code after}, oldest first. */
    public synchronized List<Call> after(long after, int limit) {
        List<Call> out = new ArrayList<>();
        Iterator<Call> it = calls.descendingIterator();
        // Walk back from the newest to the first one wanted: a poller asks for the few calls since its last poll.
        ArrayDeque<Call> newer = new ArrayDeque<>();
        while (it.hasNext()) {
            Call c = it.next();
            if (c.seq() <= after) {
                break;
            }
            newer.addFirst(c);
        }
        for (Call c : newer) {
            if (out.size() >= limit) {
                break;
            }
            out.add(c);
        }
        return out;
    }

    /** The sequence number of the newest call, 0 when there was none. */
    public synchronized long lastSeq() {
        return lastSeq;
    }

    public synchronized void clear() {
        calls.clear();
    }
}
