package dev.ripple.topology;

import com.fasterxml.jackson.core.JsonToken;
import dev.ripple.topology.YamlTree.Mapping;
import dev.ripple.topology.YamlTree.Node;
import dev.ripple.topology.YamlTree.Scalar;
import dev.ripple.topology.YamlTree.Sequence;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * One mapping of a parsed file, read with its path ({@code cells[2]}) in hand. Every accessor reports what is wrong to
 * the file's problem list and returns empty instead of throwing, so one pass finds every problem.
 */
final class Fields {
    /** The keys a mapping accepts. Also what the JSON schemas are checked against. */
    record Shape(List<String> required, List<String> optional) {
        List<String> all() {
            List<String> all = new ArrayList<>(required);
            all.addAll(optional);
            return all;
        }
    }

    /** One file being read: its name (relative to {@code rings/}) and where its problems go. */
    record Source(String file, List<Problem> problems) {
        void problem(int line, String path, String reason) {
            problems.add(new Problem(file, line, path, reason));
        }
    }

    private final Source source;
    private final Mapping mapping;
    private final String path;

    private Fields(Source source, Mapping mapping, String path) {
        this.source = source;
        this.mapping = mapping;
        this.path = path;
    }

    /** The mapping at {@code node}, with unknown and missing keys reported; empty when it is not a mapping. */
    static Optional<Fields> of(Source source, Node node, int line, String path, Shape shape) {
        if (!(node instanceof Mapping mapping)) {
            source.problem(line, path, "expected a mapping, got " + YamlTree.describe(node));
            return Optional.empty();
        }
        Fields fields = new Fields(source, mapping, path);
        if (shape != null) {
            List<String> known = shape.all();
            mapping.entries().forEach((key, entry) -> {
                if (!known.contains(key)) {
                    source.problem(entry.line(), fields.path(key),
                            "unknown key; expected one of: " + String.join(", ", known));
                }
            });
            List<String> missing = shape.required().stream().filter(k -> !mapping.entries().containsKey(k)).toList();
            if (!missing.isEmpty()) {
                source.problem(mapping.line(), path,
                        (missing.size() == 1 ? "missing required key: " : "missing required keys: ")
                                + String.join(", ", missing));
            }
        }
        return Optional.of(fields);
    }

    Source source() {
        return source;
    }

    String path() {
        return path;
    }

    int line() {
        return mapping.line();
    }

    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The line of {@code key}, or of the mapping when the key is absent. */
    int line(String key) {
        YamlTree.Entry entry = mapping.entries().get(key);
        return entry != null ? entry.line() : mapping.line();
    }

    boolean has(String key) {
        return mapping.entries().containsKey(key);
    }

    Optional<Node> node(String key) {
        return Optional.ofNullable(mapping.entries().get(key)).map(YamlTree.Entry::value);
    }

    /** Every entry in file order, for mappings whose keys are names (checks, labels). */
    void forEach(BiConsumer<String, Node> action) {
        for (Map.Entry<String, YamlTree.Entry> e : mapping.entries().entrySet()) {
            action.accept(e.getKey(), e.getValue().value());
        }
    }

    void problem(String key, String reason) {
        source.problem(line(key), path(key), reason);
    }

    Optional<Fields> fields(String key, Shape shape) {
        return node(key).flatMap(n -> of(source, n, line(key), path(key), shape));
    }

    Optional<String> string(String key) {
        return node(key).flatMap(n -> string(n, line(key), path(key)));
    }

    /** A non-blank string; anything else (numbers and booleans included: quote them) is reported. */
    Optional<String> string(Node node, int line, String at) {
        if (node instanceof Scalar s && s.token() == JsonToken.VALUE_STRING) {
            if (s.text().isBlank()) {
                source.problem(line, at, "must not be empty");
                return Optional.empty();
            }
            return Optional.of(s.text());
        }
        String hint = node instanceof Scalar s && !s.isNull() ? " (" + s.text() + "); put it in quotes" : "";
        source.problem(line, at, "expected a string, got " + YamlTree.describe(node) + hint);
        return Optional.empty();
    }

    Optional<Integer> integer(String key) {
        return node(key).flatMap(n -> {
            if (n instanceof Scalar s && s.token() == JsonToken.VALUE_NUMBER_INT && s.number() != null) {
                long value = s.number().longValue();
                if (value == (int) value && !(s.number() instanceof java.math.BigInteger)) {
                    return Optional.of((int) value);
                }
                problem(key, "out of range: " + s.text());
                return Optional.empty();
            }
            problem(key, "expected a whole number, got " + describeWithText(n));
            return Optional.empty();
        });
    }

    /** A finite number (whole or not). */
    Optional<Double> number(String key) {
        return node(key).flatMap(n -> {
            if (n instanceof Scalar s && (s.token() == JsonToken.VALUE_NUMBER_INT
                    || s.token() == JsonToken.VALUE_NUMBER_FLOAT)) {
                if (s.number() == null || !Double.isFinite(s.number().doubleValue())) {
                    problem(key, "must be a finite number, got " + s.text());
                    return Optional.empty();
                }
                return Optional.of(s.number().doubleValue());
            }
            problem(key, "expected a number, got " + describeWithText(n)
                    + (n instanceof Scalar s && s.token() == JsonToken.VALUE_STRING ? "; remove the quotes" : ""));
            return Optional.empty();
        });
    }

    /** Only {@code true} or {@code false}: YAML 1.1's yes/no/on/off are reported, they surprise reviewers. */
    Optional<Boolean> bool(String key) {
        return node(key).flatMap(n -> {
            if (n instanceof Scalar s && (s.text().equals("true") || s.text().equals("false"))
                    && (s.token() == JsonToken.VALUE_TRUE || s.token() == JsonToken.VALUE_FALSE)) {
                return Optional.of(s.token() == JsonToken.VALUE_TRUE);
            }
            if (n instanceof Scalar s && (s.token() == JsonToken.VALUE_TRUE || s.token() == JsonToken.VALUE_FALSE)) {
                problem(key, "write true or false, not " + s.text());
            } else {
                problem(key, "expected true or false, got " + describeWithText(n));
            }
            return Optional.empty();
        });
    }

    Optional<Sequence> list(String key) {
        return node(key).flatMap(n -> {
            if (n instanceof Sequence seq) {
                return Optional.of(seq);
            }
            problem(key, "expected a list, got " + YamlTree.describe(n));
            return Optional.empty();
        });
    }

    /** The text of a scalar as written, for quoting numbers back to the author. */
    static String text(Node node) {
        return node instanceof Scalar s ? s.text() : "";
    }

    private static String describeWithText(Node node) {
        if (node instanceof Scalar s && !s.isNull()) {
            return YamlTree.describe(node) + " (" + (s.token() == JsonToken.VALUE_STRING ? "\"" + s.text() + "\""
                    : s.text()) + ")";
        }
        return YamlTree.describe(node);
    }
}
