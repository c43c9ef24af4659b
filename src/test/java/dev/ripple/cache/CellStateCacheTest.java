package dev.ripple.cache;

import dev.ripple.flags.Gates;
import dev.ripple.flags.ObservedFlag;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class CellStateCacheTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final Gates ON = Gates.OFF.withEnabled(true);

    @Test
    void theContentHashTellsApartGatesThatShareTheirText() {
        // Given gates that a careless digest would confuse: an actor or a group of the same name, a percentage of
        // actors or of time, one actor "a,b" or two actors "a" and "b", and the same gates on another flag
        List<Map<String, Gates>> fleets = List.of(
                Map.of("f", gates(false, null, null, Set.of("a"), Set.of())),
                Map.of("f", gates(false, null, null, Set.of(), Set.of("a"))),
                Map.of("f", gates(false, "25", null, Set.of(), Set.of())),
                Map.of("f", gates(false, null, "25", Set.of(), Set.of())),
                Map.of("f", gates(false, null, null, Set.of("a,b"), Set.of())),
                Map.of("f", gates(false, null, null, Set.of("a", "b"), Set.of())),
                Map.of("g", gates(false, null, null, Set.of("a", "b"), Set.of())),
                Map.of("f", gates(true, null, null, Set.of(), Set.of())),
                Map.of("f", Gates.OFF),
                Map.of());

        // When each is hashed
        List<String> hashes = fleets.stream().map(CellStateCache::hash).toList();

        // Then no two hashes are the same, and 25.0 hashes as 25
        assertThat(hashes).doesNotHaveDuplicates();
        assertThat(CellStateCache.hash(Map.of("f", gates(false, "25.0", null, Set.of(), Set.of()))))
                .isEqualTo(hashes.get(2));
    }

    @Test
    void aHashMovedOneFlagAtATimeIsTheHashOfWhereItEnds() {
        // Given 50 flags with assorted gates
        java.util.Random random = new java.util.Random(7);
        List<Gates> kinds = List.of(Gates.OFF, ON, gates(false, "25", null, Set.of(), Set.of()),
                gates(false, null, "12.5", Set.of(), Set.of()), gates(false, null, null, Set.of("User:1"), Set.of()),
                gates(false, "50", null, Set.of(), Set.of("beta")));
        java.util.TreeMap<String, Gates> flags = new java.util.TreeMap<>();
        for (int i = 0; i < 50; i++) {
            flags.put("flag_" + i, kinds.get(random.nextInt(kinds.size())));
        }
        String hash = CellStateCache.hash(flags);

        // When 1,000 flags change one after another, appear or go
        for (int i = 0; i < 1_000; i++) {
            String name = "flag_" + random.nextInt(60);
            Gates after = random.nextInt(8) == 0 ? null : kinds.get(random.nextInt(kinds.size()));
            hash = CellStateCache.rehash(hash, name, flags.get(name), after);
            if (after == null) {
                flags.remove(name);
            } else {
                flags.put(name, after);
            }
        }

        // Then the hash is the one of the flags as they ended
        assertThat(hash).hasSize(32).isEqualTo(CellStateCache.hash(flags));
    }

    @Test
    void aFlagReadOnItsOwnMovesThatFlagOnly() {
        // Given a cell read in full at 10:00 with flags a (off) and b (on)
        CellStateCache cache = new CellStateCache();
        cache.recordRead("c-1", List.of(new ObservedFlag("a", Gates.OFF), new ObservedFlag("b", ON)), T0);
        CellState before = cache.get("c-1").orElseThrow();
        long version = cache.version();

        // When flag a is read on its own at 10:01, switched on
        cache.recordFlag("c-1", "a", Optional.of(ON), T0.plusSeconds(60));

        // Then a is on, b is as it was, and the cell still counts as read in full at 10:00
        CellState after = cache.get("c-1").orElseThrow();
        assertThat(after.flags()).containsExactly(Map.entry("a", ON), Map.entry("b", ON));
        assertThat(after.readAt()).isEqualTo(T0);
        assertThat(after.lastAttemptAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(after.contentHash()).isNotEqualTo(before.contentHash())
                .isEqualTo(CellStateCache.hash(after.flags()));
        assertThat(cache.version()).isGreaterThan(version);
    }

    @Test
    void aFlagReadOnItsOwnAsTheCacheHasItOrOfACellNeverReadChangesNothing() {
        // Given a cell read in full, and a cell never read
        CellStateCache cache = new CellStateCache();
        cache.recordRead("c-1", List.of(new ObservedFlag("a", ON)), T0);
        CellState before = cache.get("c-1").orElseThrow();
        long version = cache.version();

        // When a flag is read on its own as the cache already has it, and one of the cell never read
        cache.recordFlag("c-1", "a", Optional.of(ON), T0.plusSeconds(60));
        cache.recordFlag("c-2", "a", Optional.of(ON), T0.plusSeconds(60));

        // Then nothing moved
        assertThat(cache.get("c-1")).containsSame(before);
        assertThat(cache.get("c-2")).isEmpty();
        assertThat(cache.version()).isEqualTo(version);
    }

    @Test
    void aListIdenticalToTheLastOneReadIsComparedAgainOnceAFlagWasReadOnItsOwn() {
        // Given a cell read in full with flag a off (the adapter hands back the same list for the same answer)
        CellStateCache cache = new CellStateCache();
        List<ObservedFlag> off = List.of(new ObservedFlag("a", Gates.OFF));
        cache.recordRead("c-1", off, T0);
        // and flag a read on its own, on, after a rollout
        cache.recordFlag("c-1", "a", Optional.of(ON), T0.plusSeconds(1));

        // When someone switched it off again by hand and the next refresh gets the very answer of the first read
        cache.recordRead("c-1", off, T0.plusSeconds(30));

        // Then the cache says off
        assertThat(cache.get("c-1").orElseThrow().flags()).containsExactly(Map.entry("a", Gates.OFF));
    }

    @Test
    void aFlagsVersionMovesWithThatFlagOnlyAndNotWithReReads() {
        // Given two cells read in full, each with flags a and b
        CellStateCache cache = new CellStateCache();
        List<ObservedFlag> both = List.of(new ObservedFlag("a", Gates.OFF), new ObservedFlag("b", Gates.OFF));
        cache.recordRead("c-1", both, T0);
        cache.recordRead("c-2", both, T0);
        long a = cache.flagVersion("a");
        long b = cache.flagVersion("b");
        long content = cache.contentVersion();

        // When a rollout of a reads it back changed on c-1
        cache.recordFlag("c-1", "a", Optional.of(ON), T0.plusSeconds(1));

        // Then a's views must be rendered again, b's not
        assertThat(cache.flagVersion("a")).isGreaterThan(a);
        assertThat(cache.flagVersion("b")).isEqualTo(b);
        assertThat(cache.contentVersion()).isGreaterThan(content);
        a = cache.flagVersion("a");
        content = cache.contentVersion();

        // When c-2 is merely re-read (the same answer: only its read time moves)
        long version = cache.version();
        cache.recordRead("c-2", both, T0.plusSeconds(30));

        // Then the cache moved, but no flag's content did
        assertThat(cache.version()).isGreaterThan(version);
        assertThat(cache.flagVersion("a")).isEqualTo(a);
        assertThat(cache.flagVersion("b")).isEqualTo(b);
        assertThat(cache.contentVersion()).isEqualTo(content);

        // When a full read of c-2 finds b changed and a new flag c
        cache.recordRead("c-2", List.of(new ObservedFlag("a", Gates.OFF), new ObservedFlag("b", ON),
                new ObservedFlag("c", ON)), T0.plusSeconds(60));

        // Then b and c moved, a did not
        assertThat(cache.flagVersion("a")).isEqualTo(a);
        assertThat(cache.flagVersion("b")).isGreaterThan(b);
        assertThat(cache.flagVersion("c")).isGreaterThan(a);
        b = cache.flagVersion("b");

        // When c-1 cannot be read: every flag's view shows the cell stale
        cache.recordFailure("c-1", new dev.ripple.cells.CellError(dev.ripple.cells.CellError.Kind.TIMEOUT, "slow",
                null, 3), T0.plusSeconds(90));

        // Then every flag moved
        assertThat(cache.flagVersion("a")).isGreaterThan(a);
        assertThat(cache.flagVersion("b")).isGreaterThan(b);
        assertThat(cache.flagVersion("never-seen")).isGreaterThan(b);
    }

    static Gates gates(boolean on, String actorsPct, String timePct, Set<String> actors, Set<String> groups) {
        return new Gates(on, actorsPct == null ? null : new BigDecimal(actorsPct),
                timePct == null ? null : new BigDecimal(timePct), new TreeSet<>(actors), new TreeSet<>(groups));
    }
}
