package dev.ripple.topology;

import java.util.List;

/** The outcome of reading a {@code rings/} tree: a topology to serve, or everything that is wrong with it. */
public sealed interface LoadResult {

    /** The tree is valid. */
    record Loaded(Topology topology) implements LoadResult {
    }

    /** The tree is not valid; {@code problems} lists every problem found, sorted by file then line. */
    record Invalid(List<Problem> problems) implements LoadResult {
        public Invalid {
            problems = List.copyOf(problems);
        }
    }
}
