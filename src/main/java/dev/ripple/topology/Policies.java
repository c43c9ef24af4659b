package dev.ripple.topology;

import dev.ripple.health.CheckRule;
import dev.ripple.health.Direction;
import dev.ripple.health.RolloutPolicy;
import dev.ripple.topology.Fields.Shape;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code bake} + {@code checks} pair shared by a ring's policy and a flag's rollout. */
final class Policies {
    static final Shape RULE = new Shape(List.of("check", "halt"), List.of("rollback"));

    private Policies() {
    }

    /** Reads {@code bake} and {@code checks} from {@code fields}; empty when either has a problem. */
    static Optional<RolloutPolicy> read(Fields fields, ChecksFile.Catalog catalog) {
        int before = fields.source().problems().size();
        Optional<Duration> bake = Durations.read(fields, "bake");
        List<CheckRule> rules = new ArrayList<>();
        fields.list("checks").ifPresent(list -> {
            Map<String, String> seen = new HashMap<>();
            for (int i = 0; i < list.items().size(); i++) {
                YamlTree.Node item = list.items().get(i);
                String path = fields.path("checks") + "[" + i + "]";
                Fields.of(fields.source(), item, item.line(), path, RULE)
                        .flatMap(rule -> rule(rule, catalog, seen))
                        .ifPresent(rules::add);
            }
        });
        boolean clean = fields.source().problems().size() == before;
        return clean ? Optional.of(new RolloutPolicy(bake, rules)) : Optional.empty();
    }

    private static Optional<CheckRule> rule(Fields rule, ChecksFile.Catalog catalog, Map<String, String> seen) {
        Optional<String> name = rule.string("check");
        name.ifPresent(n -> {
            catalog.unknown(n).ifPresent(reason -> rule.problem("check", reason));
            String earlier = seen.putIfAbsent(n, rule.path());
            if (earlier != null) {
                rule.problem("check", "check \"" + n + "\" is already listed at " + earlier
                        + "; list each check once");
            }
        });
        Optional<Double> halt = rule.number("halt");
        Optional<Double> rollback = rule.has("rollback") ? rule.number("rollback") : Optional.empty();
        Direction direction = name.map(n -> catalog.directions().get(n)).orElse(null);
        if (halt.isPresent() && rollback.isPresent() && direction != null
                && !direction.isWorse(rollback.get(), halt.get())) {
            rule.problem("rollback", "must be strictly " + direction.wireName() + " halt ("
                    + Fields.text(rule.node("halt").orElseThrow()) + ") because " + name.get() + " is unhealthy when "
                    + direction.wireName() + ", got " + Fields.text(rule.node("rollback").orElseThrow()));
        }
        if (name.isEmpty() || halt.isEmpty() || (rule.has("rollback") && rollback.isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(new CheckRule(name.get(), halt.get(), rollback));
    }
}
