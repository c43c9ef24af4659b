package dev.ripple.rollout;

import dev.ripple.cells.CellError;
import dev.ripple.cells.CellResult;
import dev.ripple.flags.Gates;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Cells as a map of flag gates, with cells a test can make fail; counts every write. */
final class FakeCells implements CellOps {
    final Map<String, Map<String, Gates>> flags = new HashMap<>();
    final Set<String> failing = new HashSet<>();
    /** Cells that accept writes but keep their old gates: the read-back catches them. */
    final Set<String> ignoring = new HashSet<>();
    final List<String> writes = new ArrayList<>();
    /** Every cell a read (a snapshot) asked, in order. */
    final List<String> reads = new ArrayList<>();
    /** Each applyWhileReading: the cells written and, in the same round, the cells read. */
    final List<Round> rounds = new ArrayList<>();

    record Round(List<String> applied, List<String> read) {
    }

    /** Cells whose reads fail while writes still land (the read-back after a write is the write's own answer). */
    final Set<String> unreadable = new HashSet<>();
    /** Cells whose writes land but whose read-back after a write fails: the answer is lost, not the change. */
    final Set<String> readBackFailing = new HashSet<>();
    /** Runs once per fan-out (a read, an apply, a restore), as the cells answer: a test moves its clock here. */
    Runnable whileAnswering = () -> { };
    /** When set, the process "dies" right after this many more writes have landed: the write happens, then a throw. */
    Integer crashAfterWrites;

    /** What a test throws to stand for the process dying in the middle of a step. */
    static final class ProcessDied extends RuntimeException {
        ProcessDied() {
            super("the process died in the middle of a step");
        }
    }

    Optional<Gates> gates(String cell, String flag) {
        return Optional.ofNullable(flags.getOrDefault(cell, Map.of()).get(flag));
    }

    void set(String cell, String flag, Gates gates) {
        flags.computeIfAbsent(cell, c -> new HashMap<>()).put(flag, gates);
    }

    @Override
    public Map<String, CellResult<Optional<Gates>>> read(List<String> cellIds, String flag) {
        whileAnswering.run();
        return readNow(cellIds, flag);
    }

    /** Both in one round, as the gateway does them: the time of one fan-out passes. */
    @Override
    public Both applyWhileReading(List<String> applyIds, List<String> readIds, String flag, FlagChange change) {
        whileAnswering.run();
        rounds.add(new Round(List.copyOf(applyIds), List.copyOf(readIds)));
        return new Both(applyNow(applyIds, flag, change), readNow(readIds, flag));
    }

    private Map<String, CellResult<Optional<Gates>>> readNow(List<String> cellIds, String flag) {
        reads.addAll(cellIds);
        Map<String, CellResult<Optional<Gates>>> out = new LinkedHashMap<>();
        cellIds.forEach(c -> out.put(c, failing.contains(c) || unreadable.contains(c) ? down()
                : CellResult.ok(gates(c, flag))));
        return out;
    }

    @Override
    public Map<String, CellResult<Optional<Gates>>> apply(List<String> cellIds, String flag, FlagChange change) {
        whileAnswering.run();
        return applyNow(cellIds, flag, change);
    }

    private Map<String, CellResult<Optional<Gates>>> applyNow(List<String> cellIds, String flag, FlagChange change) {
        Map<String, CellResult<Optional<Gates>>> out = new LinkedHashMap<>();
        for (String c : cellIds) {
            if (failing.contains(c)) {
                out.put(c, down());
                continue;
            }
            write(c, flag, change);
            out.put(c, readBackFailing.contains(c) ? down() : CellResult.ok(gates(c, flag)));
        }
        return out;
    }

    @Override
    public Map<String, CellResult<Optional<Gates>>> restore(Map<String, Optional<Gates>> snapshots, String flag) {
        whileAnswering.run();
        Map<String, CellResult<Optional<Gates>>> out = new LinkedHashMap<>();
        snapshots.forEach((c, snapshot) -> {
            if (failing.contains(c)) {
                out.put(c, down());
                return;
            }
            Restore.between(gates(c, flag), snapshot).changes().forEach(change -> write(c, flag, change));
            out.put(c, CellResult.ok(gates(c, flag)));
        });
        return out;
    }

    private void write(String cell, String flag, FlagChange change) {
        writes.add(cell + " " + change.describe());
        if (!ignoring.contains(cell)) {
            Optional<Gates> after = change.applyTo(gates(cell, flag));
            if (after.isPresent()) {
                set(cell, flag, after.get());
            } else {
                flags.getOrDefault(cell, new HashMap<>()).remove(flag);
            }
        }
        if (crashAfterWrites != null && --crashAfterWrites == 0) {
            crashAfterWrites = null;
            throw new ProcessDied();
        }
    }

    private static CellResult<Optional<Gates>> down() {
        return CellResult.failed(new CellError(CellError.Kind.UNREACHABLE, "connection refused", null, 3));
    }
}
