package dev.ripple.topology;

import dev.ripple.flags.FlagDefinition;
import dev.ripple.flags.FlagType;
import dev.ripple.health.RolloutPolicy;
import dev.ripple.topology.Fields.Shape;

import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** One {@code rings/flags/NAME.yaml} file: a flag's definition. */
final class FlagFile {
    static final Shape ROOT = new Shape(List.of("name", "owner", "type", "description"),
            List.of("group", "default-enabled", "links", "rollout"));
    static final Shape LINKS = new Shape(List.of(), List.of("rollout-issue", "feature-issue", "introduced-by"));
    static final Shape ROLLOUT = new Shape(List.of(), List.of("bake", "checks"));
    /** GitLab's own rule for feature flag names. */
    static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9_]*$");
    static final int MAX_NAME = 100;

    private FlagFile() {
    }

    /** The flag, or empty when the file has problems. {@code fileName} is the file's name without .yaml. */
    static Optional<FlagDefinition> read(Fields.Source source, YamlTree.Node root, String fileName,
                                         ChecksFile.Catalog catalog) {
        return Fields.of(source, root, 1, "", ROOT).flatMap(flag -> {
            int before = source.problems().size();
            Optional<String> name = flag.string("name");
            name.ifPresent(n -> {
                if (!NAME.matcher(n).matches() || n.length() > MAX_NAME) {
                    flag.problem("name", "not a valid flag name: \"" + n + "\"; use " + NAME.pattern()
                            + " (lower case letters, digits and _), at most " + MAX_NAME + " characters");
                } else if (!n.equals(fileName)) {
                    flag.problem("name", "must equal the file name (" + fileName + "), got \"" + n
                            + "\"; rename the file or the flag");
                }
            });
            Optional<String> owner = flag.string("owner");
            Optional<FlagType> type = flag.string("type").flatMap(t -> {
                Optional<FlagType> known = FlagType.fromWireName(t);
                if (known.isEmpty()) {
                    flag.problem("type", "unknown flag type \"" + t + "\"; use one of: " + Arrays
                            .stream(FlagType.values()).map(FlagType::wireName).collect(Collectors.joining(", ")));
                }
                return known;
            });
            Optional<String> description = flag.string("description");
            Optional<String> group = flag.has("group") ? flag.string("group") : Optional.empty();
            Optional<Boolean> defaultEnabled = flag.has("default-enabled")
                    ? flag.bool("default-enabled") : Optional.of(false);
            Map<String, URI> links = new LinkedHashMap<>();
            flag.fields("links", LINKS).ifPresent(l -> l.forEach((key, node) ->
                    l.string(node, l.line(key), l.path(key)).ifPresent(text -> {
                        Optional<URI> uri = Urls.http(text);
                        if (uri.isEmpty()) {
                            l.problem(key, "not an absolute http(s) URL: \"" + text + "\"");
                        }
                        uri.ifPresent(u -> links.put(key, u));
                    })));
            Optional<RolloutPolicy> rollout = flag.has("rollout")
                    ? flag.fields("rollout", ROLLOUT).flatMap(r -> Policies.read(r, catalog))
                    : Optional.of(RolloutPolicy.NONE);
            if (source.problems().size() != before || name.isEmpty() || owner.isEmpty() || type.isEmpty()
                    || description.isEmpty() || defaultEnabled.isEmpty() || rollout.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new FlagDefinition(name.get(), owner.get(), type.get(), description.get(),
                    group.orElse(null), defaultEnabled.get(), links, rollout.get()));
        });
    }
}
