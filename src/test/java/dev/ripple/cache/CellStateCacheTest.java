package dev.ripple.cache;

import dev.ripple.flags.Gates;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class CellStateCacheTest {

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

    static Gates gates(boolean on, String actorsPct, String timePct, Set<String> actors, Set<String> groups) {
        return new Gates(on, actorsPct == null ? null : new BigDecimal(actorsPct),
                timePct == null ? null : new BigDecimal(timePct), new TreeSet<>(actors), new TreeSet<>(groups));
    }
}
