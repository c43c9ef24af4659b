package dev.ripple.sandbox;

import dev.ripple.flags.FlagDefinition;
import dev.ripple.flags.Gates;
import dev.ripple.sandbox.GitlabFeatureRules.Applied;
import dev.ripple.sandbox.GitlabFeatureRules.Outcome;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * One simulated GitLab cell: its persisted flags, the faults it is told to show, and its metrics. Called from many
 * event-loop threads at once; a flag changes atomically, different flags change independently.
 */
public final class SandboxCell {
    private final String id;
    private final ConcurrentSkipListMap<String, Gates> flags = new ConcurrentSkipListMap<>();
    private final Supplier<Map<String, FlagDefinition>> definitions;
    private final RandomGenerator random;
    private final CellMetrics metrics;
    private volatile Faults faults = Faults.NONE;
    /** Admin-API calls since the flap was set: a flapping cell answers or drops by this count, not at random. */
    private final java.util.concurrent.atomic.AtomicLong flapCalls = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, Rendered> rendered = new java.util.concurrent.ConcurrentHashMap<>();
    /** Moves after every change to the flags; a list answer rendered at one count is good while it stays. */
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();
    private volatile ListText lastList;

    /**
     * @param definitions the flag definitions the cell's code ships with (shared by the fleet)
     * @param random      must be safe for concurrent use, e.g. {@link java.util.Random}
     */
    SandboxCell(String id, Clock clock, RandomGenerator random, Supplier<Map<String, FlagDefinition>> definitions) {
        this.id = id;
        this.random = random;
        this.definitions = definitions;
        this.metrics = new CellMetrics(clock);
    }

    public String id() {
        return id;
    }

    /** A snapshot of every persisted flag, by name. */
    public SortedMap<String, Gates> flags() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(flags));
    }

    public Optional<Gates> flag(String name) {
        return Optional.ofNullable(flags.get(name));
    }

    /**
     * Every persisted flag with its text in a list answer, as UTF-8. A flag's text is rendered by {@code render} when
     * its gates or its definition changed since the last list, and remembered otherwise: a fleet of 1,000 simulated
     * cells runs on one machine, and rendering 200 flags for every list took more CPU than the client it stands in for.
     */
    private void forEachRendered(BiFunction<String, Gates, String> render, Consumer<byte[]> action) {
        flags.forEach((name, gates) -> {
            FlagDefinition definition = definitions.get().get(name);
            Rendered last = rendered.get(name);
            if (last == null || last.gates != gates || last.definition != definition) {
                last = new Rendered(gates, definition, render.apply(name, gates).getBytes(StandardCharsets.UTF_8));
                rendered.put(name, last);
            }
            action.accept(last.text);
        });
        if (rendered.size() > flags.size()) {
            rendered.keySet().retainAll(flags.keySet());
        }
    }

    private record Rendered(Gates gates, FlagDefinition definition, byte[] text) {
    }

    /**
     * The whole list answer ({@code [flag,flag,...]}) as the bytes sent, kept until a flag or the definitions change:
     * most lists of a cell (a refresh, a rollout's snapshot) find it as the last one did, and even looking up 200
     * remembered flags per answer was half of the simulated fleet's CPU in the rollout benchmark. A list after a
     * change joins the flags' remembered bytes; nothing is encoded again but the flag that changed.
     */
    Buffer listAnswer(BiFunction<String, Gates, String> render) {
        // Read before rendering, and every change counts after it is made: a list rendered while a flag changed is
        // kept under the count from before that change, which no later list matches.
        long version = changes.get();
        Map<String, FlagDefinition> current = definitions.get();
        ListText last = lastList;
        if (last != null && last.version == version && last.definitions == current) {
            return last.body;
        }
        List<byte[]> pieces = new ArrayList<>(flags.size() + 8);
        forEachRendered(render, pieces::add);
        int size = 2 + Math.max(0, pieces.size() - 1);
        for (byte[] piece : pieces) {
            size += piece.length;
        }
        byte[] body = new byte[size];
        body[0] = '[';
        int at = 1;
        for (byte[] piece : pieces) {
            if (at > 1) {
                body[at++] = ',';
            }
            System.arraycopy(piece, 0, body, at, piece.length);
            at += piece.length;
        }
        body[at] = ']';
        Buffer answer = Buffer.buffer(body);
        lastList = new ListText(version, current, answer);
        return answer;
    }

    private record ListText(long version, Map<String, FlagDefinition> definitions, Buffer body) {
    }

    /** Sets a flag's gates directly, bypassing GitLab's rules: for seeding and test set-up. */
    public void putFlag(String name, Gates gates) {
        flags.put(name, gates);
        changes.incrementAndGet();
    }

    /** Removes the flag; true when it existed. GitLab answers 204 either way. */
    public boolean deleteFlag(String name) {
        boolean existed = flags.remove(name) != null;
        changes.incrementAndGet();
        return existed;
    }

    public void clearFlags() {
        flags.clear();
        changes.incrementAndGet();
    }

    Optional<FlagDefinition> definition(String name) {
        return Optional.ofNullable(definitions.get().get(name));
    }

    Map<String, FlagDefinition> definitions() {
        return definitions.get();
    }

    /** Applies a {@code POST /api/v4/features/:name} as GitLab would; a refused change leaves the flag as it was. */
    Outcome post(String name, Map<String, String> params) {
        if (name == null || name.isEmpty()) {
            return GitlabFeatureRules.post(name, null, params);
        }
        Outcome[] outcome = new Outcome[1];
        // compute may call the function more than once under contention; the rules are pure, so the last wins.
        flags.compute(name, (k, current) -> {
            outcome[0] = GitlabFeatureRules.post(name, current, params);
            return outcome[0] instanceof Applied applied ? applied.gates() : current;
        });
        changes.incrementAndGet();
        return outcome[0];
    }

    public Faults faults() {
        return faults;
    }

    public synchronized void faults(Faults newFaults) {
        metrics.errorRatio(newFaults.reportedErrorRatio());
        if (newFaults.flapUp() != faults.flapUp() || newFaults.flapDown() != faults.flapDown()) {
            flapCalls.set(0);
        }
        faults = newFaults;
    }

    /** Counts an admin-API call against the flap; true when the cell drops it. */
    boolean flapDropsNextCall(Faults current) {
        return current.flaps() && current.flapDrops(flapCalls.getAndIncrement());
    }

    /** Changes the faults atomically against other updates, e.g. a partial update from the knobs API. */
    public synchronized Faults updateFaults(java.util.function.UnaryOperator<Faults> change) {
        faults(change.apply(faults));
        return faults;
    }

    public void resetFaults() {
        faults(Faults.NONE);
    }

    /** Number of admin-API calls answered with this method and status code. */
    public long adminRequests(String method, int status) {
        return metrics.adminRequests(method, status);
    }

    /** True with the given probability, drawn from the fleet's random source. */
    boolean draw(double probability) {
        return probability > 0 && random.nextDouble() < probability;
    }

    CellMetrics metrics() {
        return metrics;
    }
}
