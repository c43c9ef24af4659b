package dev.ripple.topology;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A light lint of a check's PromQL template: only known {@code {{variables}}}, and brackets that balance outside
 * string literals. Not a PromQL parser; Prometheus has the last word when the query runs.
 */
final class QueryTemplate {
    static final Set<String> VARIABLES = Set.of("ring", "cells", "flag");
    private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");

    private QueryTemplate() {
    }

    /** What is wrong with the query, as reasons; empty when nothing is. */
    static List<String> problems(String query) {
        List<String> problems = new ArrayList<>();
        Matcher m = VARIABLE.matcher(query);
        StringBuilder filled = new StringBuilder();
        while (m.find()) {
            if (!VARIABLES.contains(m.group(1))) {
                problems.add("unknown template variable " + m.group() + "; use {{ring}}, {{cells}} or {{flag}}");
            }
            // Same length, so positions in messages still point into the original text.
            m.appendReplacement(filled, "x".repeat(m.group().length()));
        }
        m.appendTail(filled);
        String text = filled.toString();
        if (text.contains("{{") || text.contains("}}")) {
            problems.add("malformed template variable near \"" + snippet(text, text.contains("{{") ? text.indexOf("{{") : text.indexOf("}}"))
                    + "\"; write {{ring}}, {{cells}} or {{flag}}");
        }
        balance(query, text, problems);
        return problems;
    }

    private static void balance(String original, String text, List<String> problems) {
        Deque<Integer> open = new ArrayDeque<>();
        char quote = 0;
        int quoteStart = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == '\\' && quote != '`') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            switch (c) {
                case '"', '\'', '`' -> {
                    quote = c;
                    quoteStart = i;
                }
                case '#' -> {
                    // PromQL comment: skip to the end of the line
                    while (i + 1 < text.length() && text.charAt(i + 1) != '\n') {
                        i++;
                    }
                }
                case '(', '{', '[' -> open.push(i);
                case ')', '}', ']' -> {
                    char expected = c == ')' ? '(' : c == '}' ? '{' : '[';
                    if (open.isEmpty()) {
                        problems.add("unbalanced brackets: '" + c + "' at " + where(original, i) + " closes nothing");
                        return;
                    }
                    int at = open.pop();
                    if (text.charAt(at) != expected) {
                        problems.add("unbalanced brackets: '" + c + "' at " + where(original, i) + " does not close '"
                                + text.charAt(at) + "' at " + where(original, at));
                        return;
                    }
                }
                default -> {
                }
            }
        }
        if (quote != 0) {
            problems.add("unterminated string literal starting at " + where(original, quoteStart));
        } else if (!open.isEmpty()) {
            int at = open.peek();
            problems.add("unbalanced brackets: '" + text.charAt(at) + "' at " + where(original, at)
                    + " is never closed");
        }
    }

    /** "line 2, column 5 of the query", counting from 1. */
    private static String where(String text, int index) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return "line " + line + ", column " + column + " of the query";
    }

    private static String snippet(String text, int index) {
        return text.substring(index, Math.min(text.length(), index + 20)).replace("\n", " ");
    }
}
