package dev.ripple.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.flags.Gates;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Persists the cache so that, after a restart, queries answer from the last known state at once. */
@ApplicationScoped
class CellStateStore {
    private static final TypeReference<TreeMap<String, StoredGates>> FLAGS = new TypeReference<>() {
    };
    private static final int CHUNK = 500;

    private final ObjectMapper json;

    CellStateStore(ObjectMapper json) {
        this.json = json;
    }

    @Transactional
    List<CellState> loadAll() {
        Map<String, String> flags = CellFlagsRecord.<CellFlagsRecord>streamAll()
                .collect(Collectors.toMap(r -> r.cellId, r -> r.flagsJson));
        List<CellState> states = new ArrayList<>();
        for (CellStateRecord r : CellStateRecord.<CellStateRecord>listAll()) {
            SortedMap<String, Gates> gates = decode(r.cellId, flags.get(r.cellId));
            states.add(new CellState(r.cellId, gates, r.readAt, r.lastAttemptAt, r.stale, r.error, r.staleSince,
                    r.contentHash));
        }
        return states;
    }

    /** Writes the given states; the flags document of a cell only when its content changed. */
    @Transactional
    void save(Collection<CellState> states) {
        List<CellState> all = List.copyOf(states);
        for (int from = 0; from < all.size(); from += CHUNK) {
            List<CellState> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
            Map<String, CellStateRecord> existing = CellStateRecord.<CellStateRecord>list("cellId in ?1",
                    chunk.stream().map(CellState::cellId).toList()).stream()
                    .collect(Collectors.toMap(r -> r.cellId, Function.identity()));
            for (CellState state : chunk) {
                CellStateRecord record = existing.get(state.cellId());
                boolean isNew = record == null;
                boolean contentChanged = isNew || !state.contentHash().equals(record.contentHash);
                if (isNew) {
                    record = new CellStateRecord();
                    record.cellId = state.cellId();
                }
                record.readAt = state.readAt();
                record.lastAttemptAt = state.lastAttemptAt();
                record.stale = state.stale();
                record.error = state.error() == null ? null : truncate(state.error());
                record.staleSince = state.staleSince();
                record.contentHash = state.contentHash();
                if (isNew) {
                    record.persist();
                }
                if (contentChanged) {
                    writeFlags(state);
                }
            }
        }
    }

    @Transactional
    void deleteExcept(Set<String> cellIds) {
        if (cellIds.isEmpty()) {
            CellStateRecord.deleteAll();
            CellFlagsRecord.deleteAll();
            return;
        }
        CellStateRecord.delete("cellId not in ?1", cellIds);
        CellFlagsRecord.delete("cellId not in ?1", cellIds);
    }

    private void writeFlags(CellState state) {
        String document = encode(state.flags());
        int updated = CellFlagsRecord.update("flagsJson = ?1 where cellId = ?2", document, state.cellId());
        if (updated == 0) {
            CellFlagsRecord record = new CellFlagsRecord();
            record.cellId = state.cellId();
            record.flagsJson = document;
            record.persist();
        }
    }

    private String encode(SortedMap<String, Gates> flags) {
        TreeMap<String, StoredGates> stored = new TreeMap<>();
        flags.forEach((name, g) -> stored.put(name, new StoredGates(g.enabled(), g.percentageOfActors(),
                g.percentageOfTime(), g.actors().isEmpty() ? null : List.copyOf(g.actors()),
                g.groups().isEmpty() ? null : List.copyOf(g.groups()))));
        try {
            return json.writeValueAsString(stored);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("gates always serialize", e);
        }
    }

    private SortedMap<String, Gates> decode(String cellId, String document) {
        TreeMap<String, Gates> flags = new TreeMap<>();
        if (document == null) {
            return flags;
        }
        try {
            json.readValue(document, FLAGS).forEach((name, s) -> flags.put(name, new Gates(s.on(), s.actorsPct(),
                    s.timePct(), s.actors() == null ? null : new TreeSet<>(s.actors()),
                    s.groups() == null ? null : new TreeSet<>(s.groups()))));
        } catch (JsonProcessingException e) {
            // A damaged row costs one cell's last known state until its next read, never the startup.
            Log.warnf("Ignoring unreadable persisted flags of cell %s: %s", cellId, e.getOriginalMessage());
        }
        return flags;
    }

    private static String truncate(String error) {
        return error.length() <= 2000 ? error : error.substring(0, 1997) + "...";
    }

    /** The persisted form of {@link Gates}: short keys, empty gates left out. */
    record StoredGates(boolean on, BigDecimal actorsPct, BigDecimal timePct, List<String> actors,
                       List<String> groups) {
    }
}
