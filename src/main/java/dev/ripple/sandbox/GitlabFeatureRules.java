package dev.ripple.sandbox;

import dev.ripple.flags.ActorKind;
import dev.ripple.flags.Gates;
import dev.ripple.flags.Percentages;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What GitLab's {@code POST /api/v4/features/:name} does to one flag ({@code lib/api/features.rb} and
 * {@code Admin::SetFeatureFlagService}), as a pure function so every rule can be tested without HTTP. The order of
 * the checks is GitLab's: parameter errors first, then the global value rules or the per-actor rules.
 */
final class GitlabFeatureRules {
    /** The sandbox has no user database: every actor exists except these, so the "not found" path stays testable. */
    static final String MISSING_ACTOR_PREFIX = "missing-";

    private static final Pattern FLAG_NAME = Pattern.compile("^[a-z0-9_]+$");
    private static final Pattern NUMBER = Pattern.compile("^\\d+(\\.\\d+)?$");
    private static final String PERCENTAGE_OF_ACTORS = "percentage_of_actors";

    /** Actor params in the order GitLab declares them; Grape reports mutually exclusive params in this order. */
    private static final List<ActorKind> TARGET_PARAMS = List.of(ActorKind.FEATURE_GROUP, ActorKind.USER,
            ActorKind.GROUP, ActorKind.NAMESPACE, ActorKind.PROJECT, ActorKind.REPOSITORY);

    private GitlabFeatureRules() {
    }

    /** The result of one POST: the flag's new gates, or why GitLab would answer 400. */
    sealed interface Outcome {
        int status();
    }

    /** 201 with the flag JSON. */
    record Applied(Gates gates) implements Outcome {
        @Override
        public int status() {
            return 201;
        }
    }

    /** A refusal by the service: 400 {@code {"message":"400 Bad request - <reason>"}}. */
    record Refused(String reason) implements Outcome {
        @Override
        public int status() {
            return 400;
        }

        String body() {
            return "{\"message\":" + quote("400 Bad request - " + reason) + "}";
        }
    }

    /** A parameter error caught by Grape before the service runs: 400 {@code {"error":"<reason>"}}. */
    record InvalidParams(String error) implements Outcome {
        @Override
        public int status() {
            return 400;
        }

        String body() {
            return "{\"error\":" + quote(error) + "}";
        }
    }

    static Outcome post(Map<String, Gates> flags, String name, Map<String, String> params) {
        return post(name, flags.get(name), params);
    }

    /**
     * @param current the flag's gates, or null when the cell has not persisted it
     * @param params  the POST params ({@code value}, {@code key}, actor targets, {@code force}); blank means absent
     */
    static Outcome post(String name, Gates current, Map<String, String> params) {
        if (name == null || !FLAG_NAME.matcher(name).matches()) {
            return new InvalidParams("name is invalid");
        }
        List<String> errors = new ArrayList<>();
        String value = param(params, "value");
        if (value == null) {
            errors.add("value is missing");
        }
        String key = param(params, "key");
        Map<ActorKind, List<String>> targets = new LinkedHashMap<>();
        for (ActorKind kind : TARGET_PARAMS) {
            String raw = param(params, kind.wireName());
            if (raw == null) {
                continue;
            }
            if (key != null) {
                errors.add("key, " + kind.wireName() + " are mutually exclusive");
            }
            targets.put(kind, Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
        }
        if (!errors.isEmpty()) {
            return new InvalidParams(String.join(", ", errors));
        }
        // `force` only skips GitLab's YAML-definition check, which the sandbox does not make.
        Gates gates = current == null ? Gates.OFF : current;
        return targets.isEmpty() ? global(name, gates, value, key) : perActor(name, gates, value, targets);
    }

    private static Outcome global(String name, Gates gates, String value, String key) {
        Optional<BigDecimal> number = number(value);
        if (value.equals("true") || number.filter(n -> n.compareTo(Percentages.HUNDRED) == 0).isPresent()) {
            return new Applied(Gates.OFF.withEnabled(true));
        }
        if (value.equals("false") || number.filter(n -> n.signum() == 0).isPresent()) {
            return new Applied(Gates.OFF);
        }
        if (number.isEmpty()) {
            return new Refused(key != null ? "Not a percentage" : cannotSet(name, value));
        }
        BigDecimal percentage = number.get();
        if (!Percentages.inRange(percentage)) {
            // GitLab lets Flipper fail on these; the sandbox refuses them the way GitLab refuses any odd value.
            return new Refused(cannotSet(name, value));
        }
        boolean ofActors = PERCENTAGE_OF_ACTORS.equals(key);
        if (gates.state() == dev.ripple.flags.FlagState.ON) {
            return new Refused("Cannot enable percentage of " + (ofActors ? "actors" : "time")
                    + " for a fully-enabled flag");
        }
        return new Applied(ofActors ? gates.withPercentageOfActors(percentage) : gates.withPercentageOfTime(percentage));
    }

    private enum ActorOperation { ENABLE, DISABLE, OPT_OUT, REMOVE_OPT_OUT }

    private static Outcome perActor(String name, Gates gates, String value, Map<ActorKind, List<String>> targets) {
        // GitLab resolves every target before touching the flag, so one unknown actor changes nothing.
        for (List<String> names : targets.values()) {
            for (String actor : names) {
                if (actor.startsWith(MISSING_ACTOR_PREFIX)) {
                    return new Refused(actor + " is not found!");
                }
            }
        }
        Optional<BigDecimal> number = number(value);
        ActorOperation operation;
        if (value.equals("true") || number.filter(n -> n.compareTo(Percentages.HUNDRED) == 0).isPresent()) {
            operation = ActorOperation.ENABLE;
        } else if (value.equals("false") || number.filter(n -> n.signum() == 0).isPresent()) {
            operation = ActorOperation.DISABLE;
        } else if (value.equals("opt_out")) {
            operation = ActorOperation.OPT_OUT;
        } else if (value.equals("remove_opt_out")) {
            operation = ActorOperation.REMOVE_OPT_OUT;
        } else {
            return new Refused(cannotSet(name, value));
        }
        TreeSet<String> actors = new TreeSet<>(gates.actors());
        TreeSet<String> groups = new TreeSet<>(gates.groups());
        for (Map.Entry<ActorKind, List<String>> target : targets.entrySet()) {
            ActorKind kind = target.getKey();
            for (String actor : target.getValue()) {
                if (kind == ActorKind.FEATURE_GROUP) {
                    // Feature groups live in their own gate and cannot opt out: only a single actor can.
                    switch (operation) {
                        case ENABLE -> groups.add(actor);
                        case DISABLE -> groups.remove(actor);
                        default -> {
                            return new Refused(cannotSet(name, value));
                        }
                    }
                    continue;
                }
                String flipperId = kind.flipperPrefix() + ":" + actor;
                String optOutId = flipperId + ":opt_out";
                switch (operation) {
                    case ENABLE -> {
                        if (actors.contains(optOutId)) {
                            return new Refused("Opt-out exists for " + flipperId + " - remove opt-out before enabling");
                        }
                        actors.add(flipperId);
                    }
                    case DISABLE -> actors.remove(flipperId);
                    case OPT_OUT -> actors.add(optOutId);
                    case REMOVE_OPT_OUT -> actors.remove(optOutId);
                }
            }
        }
        return new Applied(gates.withActors(actors).withGroups(groups));
    }

    private static String cannotSet(String name, String value) {
        return "Cannot set '" + name + "' to " + value;
    }

    private static Optional<BigDecimal> number(String value) {
        return NUMBER.matcher(value).matches() ? Optional.of(new BigDecimal(value)) : Optional.empty();
    }

    private static String param(Map<String, String> params, String name) {
        String v = params.get(name);
        return v == null || v.isBlank() ? null : v;
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
