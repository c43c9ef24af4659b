package dev.ripple.topology;

import dev.ripple.health.Direction;
import dev.ripple.health.HealthCheck;
import dev.ripple.topology.Fields.Shape;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@code rings/checks.yaml}: the named PromQL health checks that rings and flags refer to. */
final class ChecksFile {
    static final String FILE = "checks.yaml";
    static final Shape ROOT = new Shape(List.of("checks"), List.of());
    static final Shape CHECK = new Shape(List.of("unhealthy-when", "query"), List.of("description"));
    static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9_-]{0,62}$");

    private ChecksFile() {
    }

    /**
     * What rings and flags may refer to. {@code directions} holds every declared name, valid or not, so a check with
     * a mistake of its own is not also reported as unknown wherever it is used; its direction is null when invalid.
     */
    record Catalog(boolean present, boolean readable, Map<String, Direction> directions,
                   Map<String, HealthCheck> checks) {
        static final Catalog ABSENT = new Catalog(false, true, Map.of(), Map.of());
        /** checks.yaml is there but is not YAML: its own problem says so, references to it are not reported. */
        static final Catalog UNREADABLE = new Catalog(true, false, Map.of(), Map.of());

        /** Why {@code name} cannot be used, or empty when it can (or when there is no telling). */
        Optional<String> unknown(String name) {
            if (!readable || directions.containsKey(name)) {
                return Optional.empty();
            }
            if (!present) {
                return Optional.of("unknown check \"" + name + "\": there is no checks.yaml to define it");
            }
            return Optional.of("unknown check \"" + name + "\"; checks.yaml defines: "
                    + (directions.isEmpty() ? "(none)" : String.join(", ", directions.keySet())));
        }
    }

    static Catalog read(Fields.Source source, YamlTree.Node root) {
        Map<String, Direction> directions = new java.util.TreeMap<>();
        Map<String, HealthCheck> checks = new LinkedHashMap<>();
        Fields.of(source, root, 1, "", ROOT).flatMap(f -> f.fields("checks", null)).ifPresent(all ->
                all.forEach((name, node) -> {
                    String path = all.path(name);
                    directions.put(name, null);
                    if (!NAME.matcher(name).matches()) {
                        all.problem(name, "not a valid check name; use " + NAME.pattern()
                                + " (lower case letters, digits, - and _)");
                    }
                    Fields.of(source, node, all.line(name), path, CHECK).ifPresent(check -> {
                        Optional<String> description = check.has("description")
                                ? check.string("description") : Optional.of("");
                        Optional<Direction> direction = check.string("unhealthy-when").flatMap(text -> {
                            Optional<Direction> d = Direction.fromWireName(text);
                            if (d.isEmpty()) {
                                check.problem("unhealthy-when", "unknown direction \"" + text
                                        + "\"; use above (higher is worse) or below (lower is worse)");
                            }
                            return d;
                        });
                        Optional<String> query = check.string("query").filter(q -> {
                            List<String> reasons = QueryTemplate.problems(q);
                            reasons.forEach(r -> check.problem("query", r));
                            return reasons.isEmpty();
                        });
                        direction.ifPresent(d -> directions.put(name, d));
                        if (description.isPresent() && direction.isPresent() && query.isPresent()) {
                            checks.put(name, new HealthCheck(name, description.get(), query.get().strip(),
                                    direction.get()));
                        }
                    });
                }));
        return new Catalog(true, true, directions, checks);
    }
}
