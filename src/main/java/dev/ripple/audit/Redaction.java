package dev.ripple.audit;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What the audit keeps of a request: never a secret, never more than {@link #MAX_REQUEST} characters. A field whose
 * name contains {@code token}, {@code secret}, {@code password} or {@code authorization} (any case) has its value
 * replaced by {@code ***}, at any depth; a body that is not valid JSON is described, never quoted, since there is
 * no telling where a secret sits in it.
 */
public final class Redaction {
    /** The longest request text the audit keeps. */
    public static final int MAX_REQUEST = 4000;
    static final String MASK = "***";
    private static final List<String> SECRET_WORDS = List.of("token", "secret", "password", "authorization");
    private static final ObjectMapper JSON = new ObjectMapper();
    // name=value, name: value, --name=value, "name": "value" in free text (a chat command, a query string).
    private static final Pattern SECRET_ASSIGNMENT = Pattern.compile(
            "(?i)([\\w.-]*(?:token|secret|password|authorization)[\\w.-]*\"?\\s*[=:]\\s*)(\"[^\"]*\"?|\\S+)");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer|basic)\\s+\\S+");

    private Redaction() {
    }

    public static boolean isSecretName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(lower::contains);
    }

    /**
     * A request body: JSON with secret-named fields masked, capped; {@code null} when there was none.
     *
     * @param size      how many bytes the body had in all
     * @param truncated whether {@code bytes} holds only the start of it
     */
    public static String body(byte[] bytes, long size, boolean truncated) {
        if (size == 0) {
            return null;
        }
        if (truncated) {
            return "(a body of " + size + " bytes, too large to keep)";
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            return "(not valid JSON, " + size + " bytes)";
        }
        if (tree == null || tree.isMissingNode()) {
            return "(not valid JSON, " + size + " bytes)";
        }
        return cap(mask(tree).toString());
    }

    /**
     * Text already in hand (a chat command, or a request an integration recorded itself): JSON is masked field by
     * field; anything else keeps its words except the values given to secret-named options and bearer credentials.
     */
    public static String text(String text) {
        if (text == null) {
            return null;
        }
        String trimmed = text.strip();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            try {
                return cap(mask(JSON.readTree(trimmed)).toString());
            } catch (JacksonException e) {
                // Not JSON after all: treated as text below.
            }
        }
        String masked = SECRET_ASSIGNMENT.matcher(text).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                m.group(1) + MASK));
        masked = BEARER.matcher(masked).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(m.group(1) + " "
                + MASK));
        return cap(masked);
    }

    /** A raw query string with the values of secret-named parameters masked; {@code null} stays null. */
    public static String query(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        List<String> pairs = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            pairs.add(eq >= 0 && isSecretName(name) ? pair.substring(0, eq + 1) + MASK : pair);
        }
        return String.join("&", pairs);
    }

    static String cap(String text) {
        return cap(text, MAX_REQUEST);
    }

    static String cap(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private static JsonNode mask(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                object.set(name, isSecretName(name) ? TextNode.valueOf(MASK) : mask(object.get(name)));
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, mask(array.get(i)));
            }
        }
        return node;
    }
}
