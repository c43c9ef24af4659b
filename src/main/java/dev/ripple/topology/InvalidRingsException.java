package dev.ripple.topology;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Thrown at startup so Ripple refuses to run on a {@code rings/} tree with problems; lists every one. */
public class InvalidRingsException extends RuntimeException {
    private final List<Problem> problems;

    public InvalidRingsException(Path dir, List<Problem> problems) {
        super("Refusing to start: " + dir + " has " + problems.size() + " problem(s):\n  "
                + problems.stream().map(Problem::toString).collect(Collectors.joining("\n  ")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
