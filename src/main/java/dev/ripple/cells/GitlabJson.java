package dev.ripple.cells;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.ripple.flags.Gates;
import dev.ripple.flags.ObservedFlag;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads GitLab's feature documents with a streaming parser: a refresh reads every flag of every cell, and building a
 * JSON tree per answer first cost more than the rest of the refresh together. Unknown fields and gate keys are
 * skipped, so a newer GitLab does not break older Ripples.
 */
final class GitlabJson {
    private static final int MAX_NAMES = 100_000;
    private static final Map<String, String> NAMES = new ConcurrentHashMap<>();

    private GitlabJson() {
    }

    static List<ObservedFlag> parseFlagList(JsonFactory factory, Answer body) throws IOException {
        try (JsonParser p = body.parser(factory)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("expected a JSON array of features");
            }
            List<ObservedFlag> flags = new ArrayList<>();
            while (p.nextToken() == JsonToken.START_OBJECT) {
                flags.add(readFeature(p, null));
            }
            return flags;
        }
    }

    /**
     * The one feature called {@code name} in a list answer, or empty when the cell has not persisted it. Every other
     * feature is stepped over without building anything; the whole answer is still read to its end, so a cut or
     * garbled answer fails the read rather than passing because the flag came early in it.
     */
    static Optional<ObservedFlag> findFlag(JsonFactory factory, Answer body, String name) throws IOException {
        int[] at = Skim.locate(body.bytes(), body.length(), name);
        if (at == Skim.ABSENT) {
            return Optional.empty();
        }
        if (at != Skim.USE_PARSER) {
            try (JsonParser p = factory.createParser(body.bytes(), at[0], at[1] - at[0])) {
                p.nextToken();
                return Optional.of(readFeature(p, null));
            }
        }
        return findFlagParsing(factory, body, name);
    }

    /** {@link #findFlag} with the streaming parser over the whole answer: every token checked. */
    static Optional<ObservedFlag> findFlagParsing(JsonFactory factory, Answer body, String name) throws IOException {
        try (JsonParser p = body.parser(factory)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("expected a JSON array of features");
            }
            ObservedFlag found = null;
            while (p.nextToken() == JsonToken.START_OBJECT) {
                ObservedFlag flag = readFeature(p, name);
                if (found == null) {
                    found = flag;
                }
            }
            if (p.currentToken() != JsonToken.END_ARRAY || p.nextToken() != null) {
                throw new IOException("expected a JSON array of features");
            }
            return Optional.ofNullable(found);
        }
    }

    /**
     * Finds one feature in a list answer by walking its bytes: strings, brackets and the {@code "name"} of each
     * feature, nothing else. A read-back wants one flag of the 200 a cell lists; tokenising the other 199 was most of
     * the CPU a rollout spent on answers. The walk still reads the answer to its end and checks that its strings end
     * and its brackets match, so a cut answer fails; anything unusual (an escape in a feature's name or in a key, a
     * feature without a string name, an element that is not an object) is left to the parser, which says exactly
     * what is wrong.
     */
    static final class Skim {
        static final int[] ABSENT = new int[0];
        static final int[] USE_PARSER = new int[0];
        private static final byte[] NAME = {'n', 'a', 'm', 'e'};

        private Skim() {
        }

        /** The wanted feature's object as {start, end} in {@code b}, {@link #ABSENT}, or {@link #USE_PARSER}. */
        static int[] locate(byte[] b, int length, String wanted) throws IOException {
            byte[] name = wanted.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int i = skipSpace(b, 0, length);
            if (i >= length || b[i] != '[') {
                return USE_PARSER;
            }
            byte[] open = new byte[32];
            open[0] = '[';
            int depth = 1;
            int featureStart = -1;
            boolean named = false;
            boolean matches = false;
            int[] found = null;
            i++;
            while (i < length) {
                byte c = b[i];
                if (c == '"') {
                    if (depth == 1) {
                        return USE_PARSER;
                    }
                    int end = stringEnd(b, i + 1, length);
                    if (end < 0) {
                        return USE_PARSER;
                    }
                    int next = skipSpace(b, end + 1, length);
                    boolean key = depth == 2 && next < length && b[next] == ':';
                    if (key && escaped(b, i + 1, end)) {
                        return USE_PARSER; // a key written with escapes might be "name"
                    }
                    if (key && same(b, i + 1, end, NAME)) {
                        int value = skipSpace(b, next + 1, length);
                        if (value >= length || b[value] != '"' || named) {
                            return USE_PARSER;
                        }
                        int valueEnd = stringEnd(b, value + 1, length);
                        if (valueEnd <= value + 1 || escaped(b, value + 1, valueEnd)) {
                            return USE_PARSER;
                        }
                        named = true;
                        matches = same(b, value + 1, valueEnd, name);
                        i = valueEnd + 1;
                    } else {
                        i = end + 1;
                    }
                } else if (c == '{' || c == '[') {
                    if (depth == 1) {
                        if (c != '{') {
                            return USE_PARSER;
                        }
                        featureStart = i;
                        named = false;
                        matches = false;
                    }
                    if (depth == open.length) {
                        open = java.util.Arrays.copyOf(open, depth * 2);
                    }
                    open[depth++] = c;
                    i++;
                } else if (c == '}' || c == ']') {
                    byte opened = open[--depth];
                    if ((c == '}') != (opened == '{')) {
                        return USE_PARSER;
                    }
                    i++;
                    if (depth == 1) {
                        if (!named) {
                            return USE_PARSER;
                        }
                        if (matches && found == null) {
                            found = new int[]{featureStart, i};
                        }
                    } else if (depth == 0) {
                        return skipSpace(b, i, length) == length ? (found == null ? ABSENT : found) : USE_PARSER;
                    }
                } else if (depth == 1 && c != ',' && !space(c)) {
                    return USE_PARSER;
                } else {
                    i++;
                }
            }
            throw new IOException("the answer ended inside its JSON array of features");
        }

        /**
         * The index of the quote that ends the string starting at {@code from} (escaped characters stepped over: a
         * description may well hold {@code \"} or {@code \u0026}); -1 when the answer ends first.
         */
        private static int stringEnd(byte[] b, int from, int length) {
            for (int i = from; i < length; i++) {
                byte c = b[i];
                if (c == '"') {
                    return i;
                }
                if (c == '\\') {
                    i++;
                }
            }
            return -1;
        }

        private static boolean escaped(byte[] b, int from, int to) {
            for (int i = from; i < to; i++) {
                if (b[i] == '\\') {
                    return true;
                }
            }
            return false;
        }

        private static boolean same(byte[] b, int from, int to, byte[] text) {
            return to - from == text.length && java.util.Arrays.equals(b, from, to, text, 0, text.length);
        }

        private static int skipSpace(byte[] b, int from, int length) {
            int i = from;
            while (i < length && space(b[i])) {
                i++;
            }
            return i;
        }

        private static boolean space(byte c) {
            return c == ' ' || c == '\n' || c == '\r' || c == '\t';
        }
    }

    static ObservedFlag parseFlag(JsonFactory factory, byte[] body) throws IOException {
        try (JsonParser p = factory.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("expected a JSON feature object");
            }
            return readFeature(p, null);
        }
    }

    /**
     * Reads one feature object; the parser stands on its START_OBJECT and is left on its END_OBJECT. With a
     * {@code wanted} name, a feature of another name is only checked for shape and answers null (its name is
     * compared in the parser's buffer, and its gates are skipped once the name is known); with null, every feature
     * is built.
     */
    private static ObservedFlag readFeature(JsonParser p, String wanted) throws IOException {
        String name = null;
        boolean named = false;
        boolean other = false;
        Gates gates = Gates.OFF;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ("name".equals(field) && value == JsonToken.VALUE_STRING) {
                named = p.getTextLength() > 0;
                if (wanted != null && !textIs(p, wanted)) {
                    other = true;
                } else {
                    name = canonical(p.getText());
                }
            } else if ("gates".equals(field) && value == JsonToken.START_ARRAY && !other) {
                gates = readGates(p);
            } else {
                p.skipChildren();
            }
        }
        if (!named) {
            throw new IOException("a feature without a name");
        }
        return other ? null : new ObservedFlag(name, gates);
    }

    private static boolean textIs(JsonParser p, String expected) throws IOException {
        int length = p.getTextLength();
        if (length != expected.length()) {
            return false;
        }
        char[] chars = p.getTextCharacters();
        int offset = p.getTextOffset();
        for (int i = 0; i < length; i++) {
            if (chars[offset + i] != expected.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Reads a {@code gates} array; the parser stands on its START_ARRAY and is left on its END_ARRAY. */
    private static Gates readGates(JsonParser p) throws IOException {
        boolean enabled = false;
        BigDecimal actorsPct = null;
        BigDecimal timePct = null;
        TreeSet<String> actors = null;
        TreeSet<String> groups = null;
        while (p.nextToken() == JsonToken.START_OBJECT) {
            Gate gate = readGate(p);
            if (gate.key == null) {
                continue;
            }
            switch (gate.key) {
                case "boolean" -> enabled = Boolean.TRUE.equals(gate.bool) || "true".equals(gate.text);
                case "percentage_of_actors" -> actorsPct = gate.decimal();
                case "percentage_of_time" -> timePct = gate.decimal();
                case "actors" -> actors = addAll(actors, gate.list);
                case "groups" -> groups = addAll(groups, gate.list);
                default -> {
                    // A gate type this version does not know.
                }
            }
        }
        if (actorsPct == null && timePct == null && actors == null && groups == null) {
            return enabled ? Gates.ON : Gates.OFF;
        }
        return new Gates(enabled, actorsPct, timePct, actors, groups);
    }

    /**
     * Every cell lists the same few hundred flag names: one copy of each is kept (the cache holds every flag of
     * every cell), up to a bound that a fleet with sane flag names never reaches.
     */
    private static String canonical(String name) {
        String known = NAMES.get(name);
        if (known != null) {
            return known;
        }
        if (NAMES.size() >= MAX_NAMES) {
            return name;
        }
        known = NAMES.putIfAbsent(name, name);
        return known != null ? known : name;
    }

    private static TreeSet<String> addAll(TreeSet<String> set, List<String> values) {
        TreeSet<String> out = set == null ? new TreeSet<>() : set;
        out.addAll(values);
        return out;
    }

    /** One {@code {"key":..,"value":..}}, in either order. */
    private static Gate readGate(JsonParser p) throws IOException {
        Gate gate = new Gate();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken token = p.nextToken();
            if ("key".equals(field)) {
                gate.key = p.getValueAsString();
            } else if ("value".equals(field)) {
                switch (token) {
                    case VALUE_TRUE, VALUE_FALSE -> gate.bool = p.getBooleanValue();
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> gate.number = p.getDecimalValue();
                    case VALUE_STRING -> gate.text = p.getText();
                    case START_ARRAY -> {
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (p.currentToken().isScalarValue()) {
                                gate.list.add(p.getValueAsString());
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            } else {
                p.skipChildren();
            }
        }
        return gate;
    }

    private static final class Gate {
        String key;
        Boolean bool;
        BigDecimal number;
        String text;
        final List<String> list = new ArrayList<>();

        BigDecimal decimal() {
            if (number != null) {
                return number;
            }
            return text == null || text.isBlank() ? null : new BigDecimal(text.trim());
        }
    }
}
