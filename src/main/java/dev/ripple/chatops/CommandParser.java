package dev.ripple.chatops;

import dev.ripple.flags.ActorKind;
import dev.ripple.flags.FlagDefinition;
import dev.ripple.rollout.ChangeSpec;
import dev.ripple.rollout.FlagChange;
import dev.ripple.rollout.Operation;
import dev.ripple.rollout.RolloutRejected;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads chat command text into a {@link ChatCommand}, the grammar of GitLab's ChatOps {@code feature} commands with
 * rings added. Text is split like a shell splits it (quotes group words: {@code --reason="bad canary"}); options are
 * written {@code --ring=2} or {@code --ring 2}. Anything it cannot read is an {@link InvalidCommand} saying what was
 * wrong, with the usage of the command meant. It checks the grammar only: whether a flag, ring or rollout exists is
 * for the services to say.
 */
public final class CommandParser {
    public static final String FEATURE_GET = "feature get NAME";
    public static final String FEATURE_LIST = "feature list [--match TEXT]";
    public static final String FEATURE_SET = "feature set NAME VALUE [--actors|--random] [--user=U|--project=P"
            + "|--group=G|--namespace=N|--feature-group=F|--repository=R|--organization=O] [--ring=N|--cell=ID ...]"
            + " [--immediate] [--dry-run] [--reason=TEXT] [--issue=URL]";
    public static final String FEATURE_DELETE = "feature delete NAME [--ring=N|--cell=ID ...] [--immediate]"
            + " [--dry-run] [--reason=TEXT] [--issue=URL]";
    public static final String ROLLOUT = "rollout status|pause|resume|promote|abort|rollback|retry ID"
            + " [--reason=TEXT]";
    public static final String ROLLOUTS = "rollouts [--active]";
    public static final String INCIDENT_OPEN = "incident open --ring=N [--severity=sev1..sev4] [--link=URL]"
            + " [--title=TEXT]";
    public static final String INCIDENT_CLOSE = "incident close ID";
    public static final String HELP = "help";
    /** Every command's usage, in the order {@code help} lists them. */
    public static final List<String> USAGE = List.of(FEATURE_GET, FEATURE_LIST, FEATURE_SET, FEATURE_DELETE, ROLLOUT,
            ROLLOUTS, INCIDENT_OPEN, INCIDENT_CLOSE, HELP);

    private static final String FEATURE = String.join("\n", FEATURE_GET, FEATURE_LIST, FEATURE_SET, FEATURE_DELETE);
    private static final String INCIDENT = INCIDENT_OPEN + "\n" + INCIDENT_CLOSE;
    private static final String ALL = String.join("\n", USAGE);
    private static final Pattern PERCENTAGE = Pattern.compile("\\d+(\\.\\d+)?");
    private static final Pattern ROLLOUT_ID = Pattern.compile("\\d{1,18}");
    private static final Pattern RING = Pattern.compile("-?\\d{1,9}");

    /** Actor options in the order GitLab documents them, each with the actor kind it names. */
    private static final Map<String, ActorKind> ACTOR_OPTIONS = actorOptions();

    private enum Kind { FLAG, VALUE, LIST }

    private static final Map<String, Kind> TARGETING = Map.of("ring", Kind.VALUE, "cell", Kind.LIST,
            "immediate", Kind.FLAG, "dry-run", Kind.FLAG, "reason", Kind.VALUE, "issue", Kind.VALUE);
    private static final Map<String, Kind> SET_OPTIONS = setOptions();

    private CommandParser() {
    }

    /**
     * @throws InvalidCommand what was wrong, with the usage line of the command meant
     */
    public static ChatCommand parse(String text) {
        List<String> tokens = tokens(text == null ? "" : text);
        if (tokens.isEmpty()) {
            return new ChatCommand.Help();
        }
        String word = tokens.get(0).toLowerCase(Locale.ROOT);
        List<String> rest = tokens.subList(1, tokens.size());
        switch (word) {
            case "help":
                return new ChatCommand.Help();
            case "feature":
                return feature(rest);
            case "rollout":
                return rollout(rest);
            case "rollouts":
                Args args = Args.of(rest, Map.of("active", Kind.FLAG), "rollouts", ROLLOUTS);
                args.noPositionals(0);
                return new ChatCommand.RolloutList(args.flag("active"));
            case "incident":
                return incident(rest);
            default:
                throw new InvalidCommand("unknown command '" + tokens.get(0) + "'", ALL);
        }
    }

    private static ChatCommand feature(List<String> tokens) {
        if (tokens.isEmpty()) {
            throw new InvalidCommand("feature needs a subcommand: get, list, set or delete", FEATURE);
        }
        String sub = tokens.get(0).toLowerCase(Locale.ROOT);
        List<String> rest = tokens.subList(1, tokens.size());
        switch (sub) {
            case "get": {
                Args args = Args.of(rest, Map.of(), "feature get", FEATURE_GET);
                args.need(1, "feature get needs the flag's NAME");
                args.noPositionals(1);
                return new ChatCommand.FeatureGet(flagName(args.positional(0), FEATURE_GET));
            }
            case "list": {
                Args args = Args.of(rest, Map.of("match", Kind.VALUE), "feature list", FEATURE_LIST);
                args.noPositionals(0);
                return new ChatCommand.FeatureList(args.value("match"));
            }
            case "set":
                return set(rest);
            case "delete": {
                Args args = Args.of(rest, TARGETING, "feature delete", FEATURE_DELETE);
                args.need(1, "feature delete needs the flag's NAME");
                args.noPositionals(1);
                return change("delete", flagName(args.positional(0), FEATURE_DELETE),
                        new ChangeSpec("delete", null, null, null), args, FEATURE_DELETE);
            }
            default:
                throw new InvalidCommand("unknown feature subcommand '" + tokens.get(0)
                        + "'; one of get, list, set, delete", FEATURE);
        }
    }

    private static ChatCommand set(List<String> tokens) {
        Args args = Args.of(tokens, SET_OPTIONS, "feature set", FEATURE_SET);
        args.need(2, "feature set needs the flag's NAME and a VALUE (true, false or a percentage)");
        args.noPositionals(2);
        String flag = flagName(args.positional(0), FEATURE_SET);
        String value = args.positional(1);
        boolean actorsPercentage = args.flag("actors");
        boolean random = args.flag("random");
        List<String> actorOptions = ACTOR_OPTIONS.keySet().stream().filter(args::has).toList();
        if (actorsPercentage && random) {
            throw new InvalidCommand("--actors and --random cannot be combined: a percentage is of actors or of time",
                    FEATURE_SET);
        }
        if ((actorsPercentage || random) && !actorOptions.isEmpty()) {
            throw new InvalidCommand("--" + (actorsPercentage ? "actors" : "random") + " cannot be combined with --"
                    + actorOptions.get(0) + ": a percentage applies to everyone, --" + actorOptions.get(0)
                    + " names actors", FEATURE_SET);
        }
        if (actorOptions.size() > 1) {
            throw new InvalidCommand("one kind of actor per command: --" + actorOptions.get(0) + " and --"
                    + actorOptions.get(1) + " cannot be combined", FEATURE_SET);
        }
        String lower = value.toLowerCase(Locale.ROOT);
        boolean bool = lower.equals("true") || lower.equals("false");
        if (!bool && !PERCENTAGE.matcher(value).matches()) {
            throw new InvalidCommand("VALUE must be true, false or a percentage from 0 to 100, got '" + value + "'",
                    FEATURE_SET);
        }
        ChangeSpec spec;
        if (!actorOptions.isEmpty()) {
            String option = actorOptions.get(0);
            if (!bool) {
                throw new InvalidCommand("with --" + option + ", VALUE is true (add those actors) or false (remove"
                        + " them), not a percentage", FEATURE_SET);
            }
            List<String> actors = actors(option, args.values(option));
            spec = new ChangeSpec(lower.equals("true") ? "add-actors" : "remove-actors", null,
                    ACTOR_OPTIONS.get(option).wireName(), actors);
        } else if (bool) {
            if (actorsPercentage || random) {
                throw new InvalidCommand("--" + (actorsPercentage ? "actors" : "random") + " goes with a percentage;"
                        + " true and false turn the flag fully on or off", FEATURE_SET);
            }
            spec = new ChangeSpec(lower.equals("true") ? "on" : "off", null, null, null);
        } else {
            if (!actorsPercentage && !random) {
                throw new InvalidCommand("a percentage needs --actors (percentage of actors) or --random (percentage"
                        + " of time)", FEATURE_SET);
            }
            spec = new ChangeSpec(actorsPercentage ? "percentage-of-actors" : "percentage-of-time",
                    new BigDecimal(value), null, null);
        }
        return change("set", flag, spec, args, FEATURE_SET);
    }

    private static ChatCommand change(String verb, String flag, ChangeSpec spec, Args args, String usage) {
        FlagChange change;
        try {
            change = spec.toChange();
        } catch (RolloutRejected e) {
            throw new InvalidCommand(e.getMessage(), usage);
        }
        List<String> cells = args.values("cell").stream()
                .flatMap(v -> Arrays.stream(v.split(",", -1)).map(String::strip)).toList();
        if (cells.stream().anyMatch(String::isEmpty)) {
            throw new InvalidCommand("--cell needs a cell id, e.g. --cell=q-1", usage);
        }
        Integer ring = null;
        if (args.has("ring")) {
            if (!cells.isEmpty()) {
                throw new InvalidCommand("--ring and --cell cannot be combined: --cell targets single cells of the"
                        + " quarantine ring, --ring rolls out ring by ring", usage);
            }
            ring = ring(args.value("ring"), usage);
        }
        return new ChatCommand.FeatureChange(verb, flag, change, ring, List.copyOf(new LinkedHashSet<>(cells)),
                args.flag("immediate"), args.flag("dry-run"), args.value("reason"), args.value("issue"));
    }

    private static ChatCommand rollout(List<String> tokens) {
        if (tokens.isEmpty()) {
            throw new InvalidCommand("rollout needs an action and a rollout ID", ROLLOUT);
        }
        String action = tokens.get(0).toLowerCase(Locale.ROOT);
        List<String> rest = tokens.subList(1, tokens.size());
        boolean status = action.equals("status");
        if (!status && Operation.fromWireName(action).isEmpty()) {
            throw new InvalidCommand("unknown rollout action '" + tokens.get(0) + "'; one of status, "
                    + Arrays.stream(Operation.values()).map(Operation::wireName).collect(Collectors.joining(", ")),
                    ROLLOUT);
        }
        Args args = Args.of(rest, status ? Map.of() : Map.of("reason", Kind.VALUE), "rollout " + action, ROLLOUT);
        args.need(1, "rollout " + action + " needs the rollout's ID");
        args.noPositionals(1);
        String id = args.positional(0);
        if (!ROLLOUT_ID.matcher(id).matches()) {
            throw new InvalidCommand("'" + id + "' is not a rollout ID (a number, as `rollouts` lists them)", ROLLOUT);
        }
        long number = Long.parseLong(id);
        return status ? new ChatCommand.RolloutStatus(number)
                : new ChatCommand.RolloutOperation(Operation.fromWireName(action).orElseThrow(), number,
                args.value("reason"));
    }

    private static ChatCommand incident(List<String> tokens) {
        if (tokens.isEmpty()) {
            throw new InvalidCommand("incident needs a subcommand: open or close", INCIDENT);
        }
        String sub = tokens.get(0).toLowerCase(Locale.ROOT);
        List<String> rest = tokens.subList(1, tokens.size());
        if (sub.equals("open")) {
            Args args = Args.of(rest, Map.of("ring", Kind.VALUE, "severity", Kind.VALUE, "link", Kind.VALUE,
                    "title", Kind.VALUE), "incident open", INCIDENT_OPEN);
            args.noPositionals(0);
            if (!args.has("ring")) {
                throw new InvalidCommand("incident open needs --ring=N: the ring the incident is on", INCIDENT_OPEN);
            }
            return new ChatCommand.IncidentOpen(ring(args.value("ring"), INCIDENT_OPEN), args.value("severity"),
                    args.value("link"), args.value("title"));
        }
        if (sub.equals("close")) {
            Args args = Args.of(rest, Map.of(), "incident close", INCIDENT_CLOSE);
            args.need(1, "incident close needs the incident's ID");
            args.noPositionals(1);
            return new ChatCommand.IncidentClose(args.positional(0));
        }
        throw new InvalidCommand("unknown incident subcommand '" + tokens.get(0) + "'; one of open, close", INCIDENT);
    }

    private static String flagName(String text, String usage) {
        if (!FlagDefinition.isFlagName(text)) {
            throw new InvalidCommand("'" + text + "' is not a flag name (lowercase letters, digits and underscores)",
                    usage);
        }
        return text;
    }

    private static int ring(String text, String usage) {
        if (!RING.matcher(text).matches()) {
            throw new InvalidCommand("--ring must be a ring number, got '" + text + "'", usage);
        }
        return Integer.parseInt(text);
    }

    private static List<String> actors(String option, List<String> values) {
        List<String> actors = new ArrayList<>();
        for (String value : values) {
            for (String actor : value.split(",", -1)) {
                if (actor.isBlank()) {
                    throw new InvalidCommand("--" + option + " needs actor names separated by commas, got '"
                            + value + "'", FEATURE_SET);
                }
                actors.add(actor.strip());
            }
        }
        return actors.stream().distinct().toList();
    }

    /**
     * Splits text the way a shell does: blanks separate words; double or single quotes (straight or the curly ones
     * chat clients substitute) group them and are removed; a backslash outside single quotes takes the next
     * character literally.
     *
     * @throws InvalidCommand for an unterminated quote or a trailing backslash
     */
    static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (closes(quote, c)) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < text.length()) {
                    word.append(text.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    tokens.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else if (c == '"' || c == '\'' || c == '\u201C' || c == '\u2018') {
                quote = c == '\u201C' ? '"' : c == '\u2018' ? '\'' : c;
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= text.length()) {
                    throw new InvalidCommand("the command ends with a lone backslash", ALL);
                }
                word.append(text.charAt(++i));
                inWord = true;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new InvalidCommand("a " + (quote == '"' ? "double" : "single") + " quote is never closed", ALL);
        }
        if (inWord) {
            tokens.add(word.toString());
        }
        return tokens;
    }

    private static boolean closes(char quote, char c) {
        return quote == '"' ? c == '"' || c == '\u201D' || c == '\u201C' : c == '\'' || c == '\u2019' || c == '\u2018';
    }

    private static Map<String, ActorKind> actorOptions() {
        Map<String, ActorKind> options = new LinkedHashMap<>();
        options.put("user", ActorKind.USER);
        options.put("project", ActorKind.PROJECT);
        options.put("group", ActorKind.GROUP);
        options.put("namespace", ActorKind.NAMESPACE);
        options.put("feature-group", ActorKind.FEATURE_GROUP);
        options.put("repository", ActorKind.REPOSITORY);
        options.put("organization", ActorKind.ORGANIZATION);
        return Collections.unmodifiableMap(options);
    }

    private static Map<String, Kind> setOptions() {
        Map<String, Kind> options = new LinkedHashMap<>(TARGETING);
        options.put("actors", Kind.FLAG);
        options.put("random", Kind.FLAG);
        ACTOR_OPTIONS.keySet().forEach(name -> options.put(name, Kind.LIST));
        return Map.copyOf(options);
    }

    /** A command's words after its name: positionals in order, and its options by name. */
    private static final class Args {
        private final List<String> positionals = new ArrayList<>();
        private final Map<String, List<String>> values = new LinkedHashMap<>();
        private final Set<String> flags = new LinkedHashSet<>();
        private final String usage;

        private Args(String usage) {
            this.usage = usage;
        }

        static Args of(List<String> tokens, Map<String, Kind> spec, String command, String usage) {
            Args args = new Args(usage);
            for (int i = 0; i < tokens.size(); i++) {
                String token = tokens.get(i);
                if (!token.startsWith("--")) {
                    args.positionals.add(token);
                    continue;
                }
                int eq = token.indexOf('=');
                String name = token.substring(2, eq < 0 ? token.length() : eq).toLowerCase(Locale.ROOT);
                String value = eq < 0 ? null : token.substring(eq + 1);
                Kind kind = spec.get(name);
                if (kind == null) {
                    throw new InvalidCommand("unknown option " + (eq < 0 ? token : token.substring(0, eq))
                            + " for " + command, usage);
                }
                if (kind == Kind.FLAG) {
                    if (value != null) {
                        throw new InvalidCommand("--" + name + " takes no value", usage);
                    }
                    if (!args.flags.add(name)) {
                        throw new InvalidCommand("--" + name + " is given twice", usage);
                    }
                    continue;
                }
                if (value == null && i + 1 < tokens.size() && !tokens.get(i + 1).startsWith("--")) {
                    value = tokens.get(++i);
                }
                if (value == null || value.isBlank()) {
                    throw new InvalidCommand("--" + name + " needs a value: --" + name + "=" + placeholder(name),
                            usage);
                }
                if (kind == Kind.VALUE && args.values.containsKey(name)) {
                    throw new InvalidCommand("--" + name + " is given twice", usage);
                }
                args.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value.strip());
            }
            return args;
        }

        private static String placeholder(String name) {
            switch (name) {
                case "ring":
                    return "N";
                case "cell":
                    return "ID";
                case "issue":
                case "link":
                    return "URL";
                default:
                    return name.toUpperCase(Locale.ROOT).replace('-', '_');
            }
        }

        void need(int count, String problem) {
            if (positionals.size() < count) {
                throw new InvalidCommand(problem, usage);
            }
        }

        void noPositionals(int expected) {
            if (positionals.size() > expected) {
                throw new InvalidCommand("unexpected '" + positionals.get(expected) + "'", usage);
            }
        }

        String positional(int index) {
            return positionals.get(index);
        }

        boolean has(String option) {
            return values.containsKey(option) || flags.contains(option);
        }

        boolean flag(String option) {
            return flags.contains(option);
        }

        String value(String option) {
            List<String> given = values.get(option);
            return given == null ? null : given.get(0);
        }

        List<String> values(String option) {
            return values.getOrDefault(option, List.of());
        }
    }
}
