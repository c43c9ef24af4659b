package dev.ripple.topology;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A YAML document as a tree that remembers the line of every node. Built by walking Jackson's token stream ourselves
 * rather than binding, so that a duplicate key is reported and parsing goes on, and so that every problem found later
 * can point at its line.
 */
final class YamlTree {
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private YamlTree() {
    }

    sealed interface Node permits Mapping, Sequence, Scalar {
        int line();
    }

    /** A mapping; keys in file order. The line of an entry is the line of its key. */
    record Mapping(int line, Map<String, Entry> entries) implements Node {
    }

    record Entry(int line, Node value) {
    }

    record Sequence(int line, List<Node> items) implements Node {
    }

    /**
     * A scalar as YAML typed it: {@code token} tells a quoted string from a number or a boolean; {@code number} is
     * null unless the token is numeric and Java could read it ({@code .nan} and {@code .inf} it cannot).
     */
    record Scalar(int line, JsonToken token, String text, Number number) implements Node {
        boolean isNull() {
            return token == JsonToken.VALUE_NULL;
        }
    }

    /** What YAML calls the kind of a node, for messages like "expected a string, got a number". */
    static String describe(Node node) {
        if (node instanceof Mapping) {
            return "a mapping";
        }
        if (node instanceof Sequence) {
            return "a list";
        }
        return switch (((Scalar) node).token()) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "nothing";
            default -> "an unexpected token";
        };
    }

    /**
     * Parses one file. Returns the root node, or empty when the file cannot be read as a single YAML document (the
     * reason is then among {@code problems}). Duplicate keys and aliases are reported but do not stop parsing.
     */
    static Optional<Node> parse(String file, String content, List<Problem> problems) {
        try (YAMLParser parser = (YAMLParser) FACTORY.createParser(content)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                problems.add(new Problem(file, 1, "", "file is empty; a YAML mapping is expected"));
                return Optional.empty();
            }
            Node root = read(parser, first, "", file, problems);
            if (parser.nextToken() != null) {
                problems.add(new Problem(file, line(parser), "",
                        "more than one YAML document (---); each file holds exactly one"));
                return Optional.empty();
            }
            return Optional.of(root);
        } catch (JsonProcessingException e) {
            problems.add(syntaxProblem(file, e));
            return Optional.empty();
        } catch (IOException e) {
            problems.add(new Problem(file, 0, "", "cannot be read: " + e.getMessage()));
            return Optional.empty();
        }
    }

    private static Node read(YAMLParser parser, JsonToken token, String path, String file, List<Problem> problems)
            throws IOException {
        int line = line(parser);
        switch (token) {
            case START_OBJECT -> {
                Map<String, Entry> entries = new LinkedHashMap<>();
                JsonToken next;
                while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    int keyLine = line(parser);
                    String keyPath = path.isEmpty() ? key : path + "." + key;
                    Node value = read(parser, parser.nextToken(), keyPath, file, problems);
                    Entry earlier = entries.get(key);
                    if (earlier != null) {
                        problems.add(new Problem(file, keyLine, keyPath,
                                "duplicate key (first at line " + earlier.line() + "); each key may appear once"));
                    } else {
                        entries.put(key, new Entry(keyLine, value));
                    }
                }
                expect(next, JsonToken.END_OBJECT);
                return new Mapping(line, entries);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
                    if (next == null) {
                        throw new IOException("unexpected end of input");
                    }
                    items.add(read(parser, next, path + "[" + items.size() + "]", file, problems));
                }
                return new Sequence(line, items);
            }
            default -> {
                if (parser.isCurrentAlias()) {
                    problems.add(new Problem(file, line, path,
                            "YAML aliases (*" + parser.getText() + ") are not supported; write the value out"));
                }
                Number number = null;
                if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                    try {
                        number = parser.getNumberValue();
                    } catch (JsonProcessingException e) {
                        number = null; // .nan, .inf: the validator reports them as not finite
                    }
                }
                return new Scalar(line, token, parser.getText(), number);
            }
        }
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("unexpected " + actual + ", expected " + expected);
        }
    }

    private static int line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }

    private static Problem syntaxProblem(String file, JsonProcessingException e) {
        // snakeyaml's own exception carries a clean one-line problem and its mark; Jackson's message is multi-line.
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked && marked.getProblem() != null) {
                int line = marked.getProblemMark() != null ? marked.getProblemMark().getLine() + 1 : 0;
                String context = marked.getContext() == null ? "" : " (" + marked.getContext()
                        + (marked.getContextMark() != null ? " started at line " + (marked.getContextMark().getLine() + 1)
                        : "") + ")";
                return new Problem(file, line, "", "not valid YAML: " + marked.getProblem() + context);
            }
        }
        int line = e.getLocation() != null ? e.getLocation().getLineNr() : 0;
        return new Problem(file, line, "", "not valid YAML: " + e.getOriginalMessage());
    }
}
