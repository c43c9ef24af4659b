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
import java.util.TreeSet;

/**
 * Reads GitLab's feature documents with a streaming parser: a refresh reads every flag of every cell, and building a
 * JSON tree per answer first cost more than the rest of the refresh together. Unknown fields and gate keys are
 * skipped, so a newer GitLab does not break older Ripples.
 */
final class GitlabJson {
    private GitlabJson() {
    }

    static List<ObservedFlag> parseFlagList(JsonFactory factory, byte[] body) throws IOException {
        try (JsonParser p = factory.createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("expected a JSON array of features");
            }
            List<ObservedFlag> flags = new ArrayList<>();
            while (p.nextToken() == JsonToken.START_OBJECT) {
                flags.add(readFeature(p));
            }
            return flags;
        }
    }

    static ObservedFlag parseFlag(JsonFactory factory, byte[] body) throws IOException {
        try (JsonParser p = factory.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("expected a JSON feature object");
            }
            return readFeature(p);
        }
    }

    /** Reads one feature object; the parser stands on its START_OBJECT and is left on its END_OBJECT. */
    private static ObservedFlag readFeature(JsonParser p) throws IOException {
        String name = null;
        boolean enabled = false;
        BigDecimal actorsPct = null;
        BigDecimal timePct = null;
        TreeSet<String> actors = new TreeSet<>();
        TreeSet<String> groups = new TreeSet<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ("name".equals(field) && value == JsonToken.VALUE_STRING) {
                name = p.getText();
            } else if ("gates".equals(field) && value == JsonToken.START_ARRAY) {
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    Gate gate = readGate(p);
                    if (gate.key == null) {
                        continue;
                    }
                    switch (gate.key) {
                        case "boolean" -> enabled = Boolean.TRUE.equals(gate.bool) || "true".equals(gate.text);
                        case "percentage_of_actors" -> actorsPct = gate.decimal();
                        case "percentage_of_time" -> timePct = gate.decimal();
                        case "actors" -> actors.addAll(gate.list);
                        case "groups" -> groups.addAll(gate.list);
                        default -> {
                            // A gate type this version does not know.
                        }
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        if (name == null || name.isEmpty()) {
            throw new IOException("a feature without a name");
        }
        return new ObservedFlag(name, new Gates(enabled, actorsPct, timePct, actors, groups));
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
