package dev.ripple.cache;

import dev.ripple.cells.CellError;
import dev.ripple.flags.Gates;
import dev.ripple.flags.ObservedFlag;
import dev.ripple.platform.Sha256;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Observed flag state per cell, in memory, answering "what is this flag's state everywhere?" without asking any
 * cell. Always safe to drop: the next refresh rebuilds it. {@link #version()} moves on every write, so readers can
 * cache what they derive from it.
 */
@ApplicationScoped
public class CellStateCache {
    private final Map<String, CellState> states = new ConcurrentHashMap<>();
    private final Set<String> unsaved = ConcurrentHashMap.newKeySet();
    private final Map<String, List<ObservedFlag>> lastRead = new ConcurrentHashMap<>();
    private final Map<String, Instant> savedReadAt = new ConcurrentHashMap<>();
    private static final java.time.Duration READ_TIME_SAVE_INTERVAL = java.time.Duration.ofMinutes(1);
    private final AtomicLong version = new AtomicLong();
    /** Stamps content changes: per flag in {@link #flagVersions}, for every flag at once in {@link #everyFlag}. */
    private final AtomicLong contentClock = new AtomicLong();
    private final Map<String, Long> flagVersions = new ConcurrentHashMap<>();
    private final AtomicLong everyFlag = new AtomicLong();
    /** Stamps a change to which flags a cell holds at all (one set or deleted), or to which cells there are. */
    private final AtomicLong namesClock = new AtomicLong();

    public Optional<CellState> get(String cellId) {
        return Optional.ofNullable(states.get(cellId));
    }

    public CellState getOrNeverRead(String cellId) {
        CellState state = states.get(cellId);
        return state != null ? state : CellState.neverRead(cellId);
    }

    public long version() {
        return version.get();
    }

    /**
     * Moves when something a view of flag {@code name} shows changes, other than read times: the flag's gates on any
     * cell, or any cell's staleness or error, or cells coming and going. A cell merely re-read (the cache refresh
     * every 30 s, cell by cell) moves {@link #version()} only, so a fleet-wide view of one flag can be kept while
     * 100 other flags are being rolled out.
     */
    public long flagVersion(String name) {
        return Math.max(flagVersions.getOrDefault(name, 0L), everyFlag.get());
    }

    /**
     * Moves when the names of the flags set on some cell may have changed: a flag set on a cell for the first time or
     * deleted from one, cells read for the first time, restored or forgotten, a cell's staleness or error. A gate
     * change of a flag that stays set does not move it.
     */
    public long namesVersion() {
        return namesClock.get();
    }

    /** Moves when any flag's gates change on any cell, or any cell's staleness or error (not on re-reads). */
    public long contentVersion() {
        return contentClock.get();
    }

    /**
     * Records a successful read of every flag of a cell. An adapter hands back the very same list when a cell
     * answered exactly as before; then only the timestamps move, and nothing is rebuilt or rehashed.
     */
    public CellState recordRead(String cellId, List<ObservedFlag> flags, Instant when) {
        Instant at = storable(when);
        return put(cellId, previous -> {
            if (previous != null && lastRead.get(cellId) == flags) {
                return new CellState(cellId, previous.flags(), at, at, false, null, null, previous.contentHash());
            }
            lastRead.put(cellId, flags);
            TreeMap<String, Gates> byName = new TreeMap<>();
            flags.forEach(f -> byName.put(f.name(), f.gates()));
            boolean same = previous != null && previous.everRead() && previous.flags().equals(byName);
            return new CellState(cellId, same ? previous.flags() : byName, at, at, false, null, null,
                    same ? previous.contentHash() : hash(byName));
        });
    }

    /**
     * Records one flag read on its own (a rollout's snapshot and read-backs): only that flag moves. The cell's other
     * flags, its read time and its staleness stay as the last full read left them, since only a full read says what
     * the rest of the cell holds. A cell never fully read is left alone.
     */
    public void recordFlag(String cellId, String flag, Optional<Gates> gates, Instant when) {
        Instant at = storable(when);
        put(cellId, flag, previous -> {
            if (previous == null || !previous.everRead()
                    || java.util.Objects.equals(previous.flags().get(flag), gates.orElse(null))) {
                return previous;
            }
            // The cache no longer matches the last list read: an identical list must be compared again, not assumed
            // unchanged (it would put the flag back as it was, which is what the cell then holds).
            lastRead.remove(cellId);
            TreeMap<String, Gates> flags = new TreeMap<>(previous.flags());
            if (gates.isPresent()) {
                flags.put(flag, gates.get());
            } else {
                flags.remove(flag);
            }
            String hash = previous.contentHash().length() == 32
                    ? rehash(previous.contentHash(), flag, previous.flags().get(flag), gates.orElse(null))
                    : hash(flags);
            return new CellState(cellId, flags, previous.readAt(), at, previous.stale(), previous.error(),
                    previous.staleSince(), hash);
        });
    }

    /** Records a failed read: the last known flags stay, marked stale with the reason. */
    public CellState recordFailure(String cellId, CellError error, Instant when) {
        Instant at = storable(when);
        return put(cellId, previous -> {
            CellState base = previous != null ? previous : CellState.neverRead(cellId);
            Instant since = base.stale() && base.staleSince() != null ? base.staleSince() : at;
            return new CellState(cellId, base.flags(), base.readAt(), at, true, error.toString(), since,
                    base.contentHash());
        });
    }

    /** Replaces the whole cache with persisted state (at startup), without marking anything unsaved. */
    public void restore(Collection<CellState> persisted) {
        persisted.forEach(s -> {
            states.put(s.cellId(), s);
            savedReadAt.put(s.cellId(), s.readAt() != null ? s.readAt() : Instant.EPOCH);
        });
        stampEveryFlag();
        version.incrementAndGet();
    }

    /** Forgets cells that left the topology. */
    public void retainOnly(Set<String> cellIds) {
        lastRead.keySet().retainAll(cellIds);
        if (states.keySet().retainAll(cellIds)) {
            stampEveryFlag();
            version.incrementAndGet();
        }
    }

    /** Hands over the cells written since the last call, for persisting. */
    public List<CellState> drainUnsaved() {
        List<CellState> drained = unsaved.stream().map(states::get).filter(java.util.Objects::nonNull).toList();
        drained.forEach(s -> {
            unsaved.remove(s.cellId());
            savedReadAt.put(s.cellId(), s.readAt() != null ? s.readAt() : Instant.EPOCH);
        });
        return drained;
    }

    private CellState put(String cellId, java.util.function.UnaryOperator<CellState> update) {
        return put(cellId, null, update);
    }

    /**
     * Applies {@code update} atomically; an update that answers the previous state as it was changes nothing.
     * {@code onlyFlag}, when given, is the one flag the update may change (saves comparing every flag).
     */
    private CellState put(String cellId, String onlyFlag, java.util.function.UnaryOperator<CellState> update) {
        CellState[] result = new CellState[1];
        CellState[] before = new CellState[1];
        boolean[] moved = new boolean[1];
        states.compute(cellId, (id, previous) -> {
            CellState next = update.apply(previous);
            if (next == previous) {
                result[0] = next;
                return next;
            }
            boolean changed = previous == null || previous.stale() != next.stale()
                    || !previous.contentHash().equals(next.contentHash())
                    || !java.util.Objects.equals(previous.error(), next.error());
            // A re-read that changed nothing is saved at most once a minute: the persisted read time may lag by
            // that much (ages after a restart err on the old side) and a steady fleet costs no writes per refresh.
            Instant saved = savedReadAt.get(id);
            if (changed || saved == null || next.readAt() == null
                    || next.readAt().isAfter(saved.plus(READ_TIME_SAVE_INTERVAL))) {
                unsaved.add(id);
            }
            result[0] = next;
            before[0] = previous;
            moved[0] = true;
            return next;
        });
        // After the state is in the map: a reader that sees the new version also sees the new state.
        if (moved[0]) {
            stampContent(before[0], result[0], onlyFlag);
            version.incrementAndGet();
        }
        return result[0];
    }

    /** Stamps only ever grow (two updates may stamp in either order), so a view never matches an older stamp. */
    private void stampEveryFlag() {
        everyFlag.accumulateAndGet(contentClock.incrementAndGet(), Math::max);
        namesClock.incrementAndGet();
    }

    private void stampContent(CellState previous, CellState next, String onlyFlag) {
        if (previous == null || previous.everRead() != next.everRead() || previous.stale() != next.stale()
                || !java.util.Objects.equals(previous.error(), next.error())) {
            stampEveryFlag();
            return;
        }
        if (previous.contentHash().equals(next.contentHash())) {
            return;
        }
        if (onlyFlag != null) {
            flagVersions.merge(onlyFlag, contentClock.incrementAndGet(), Math::max);
            if (previous.flags().containsKey(onlyFlag) != next.flags().containsKey(onlyFlag)) {
                namesClock.incrementAndGet();
            }
            return;
        }
        long stamp = contentClock.incrementAndGet();
        boolean[] names = new boolean[1];
        previous.flags().forEach((name, gates) -> {
            if (!gates.equals(next.flags().get(name))) {
                flagVersions.merge(name, stamp, Math::max);
                names[0] |= !next.flags().containsKey(name);
            }
        });
        next.flags().keySet().forEach(name -> {
            if (!previous.flags().containsKey(name)) {
                flagVersions.merge(name, stamp, Math::max);
                names[0] = true;
            }
        });
        if (names[0]) {
            namesClock.incrementAndGet();
        }
    }

    /** Databases keep microseconds; keeping no more here makes a restored state equal to the one saved. */
    private static Instant storable(Instant at) {
        return at.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    /**
     * A digest of a cell's flags, to notice real changes cheaply: the sum (modulo 2^128) of one SHA-256 per flag, so
     * that a change to one flag moves it without rehashing the others ({@link #rehash}).
     */
    static String hash(Map<String, Gates> flags) {
        Sha256 digest = Sha256.start();
        long[] sum = new long[2];
        flags.forEach((name, gates) -> add(sum, flagHash(digest, name, gates), false));
        return hex(sum);
    }

    /** {@link #hash} of the flags {@code previous} was the hash of, with flag {@code name} changed. */
    static String rehash(String previous, String name, Gates before, Gates after) {
        Sha256 digest = Sha256.start();
        long[] sum = {HexFormat.fromHexDigitsToLong(previous, 0, 16), HexFormat.fromHexDigitsToLong(previous, 16, 32)};
        if (before != null) {
            add(sum, flagHash(digest, name, before), true);
        }
        if (after != null) {
            add(sum, flagHash(digest, name, after), false);
        }
        return hex(sum);
    }

    /** Field by field; percentages are kept normalised, so equal gates give equal digests. */
    private static long[] flagHash(Sha256 digest, String name, Gates gates) {
        return addGates(digest.add(name), gates).first128();
    }

    /** Adds gates to a digest field by field (no {@code toString}): equal gates, equal digests. */
    public static Sha256 addGates(Sha256 digest, Gates gates) {
        digest.add(gates.enabled() ? "on" : "")
                .add(gates.percentageOfActors() == null ? "" : gates.percentageOfActors().toPlainString())
                .add(gates.percentageOfTime() == null ? "" : gates.percentageOfTime().toPlainString())
                .add(Integer.toString(gates.actors().size()));
        gates.actors().forEach(digest::add);
        digest.add(Integer.toString(gates.groups().size()));
        gates.groups().forEach(digest::add);
        return digest;
    }

    /** {@code sum += value} (or {@code -=}) on 128-bit numbers held as {high, low}. */
    private static void add(long[] sum, long[] value, boolean subtract) {
        long low = subtract ? sum[1] - value[1] : sum[1] + value[1];
        long carry = subtract ? (Long.compareUnsigned(sum[1], value[1]) < 0 ? -1 : 0)
                : (Long.compareUnsigned(low, sum[1]) < 0 ? 1 : 0);
        sum[0] = (subtract ? sum[0] - value[0] : sum[0] + value[0]) + carry;
        sum[1] = low;
    }

    private static String hex(long[] sum) {
        return HexFormat.of().toHexDigits(sum[0]) + HexFormat.of().toHexDigits(sum[1]);
    }
}
