package dev.ripple.sandbox;

import dev.ripple.flags.FlagDefinition;
import dev.ripple.flags.FlagType;
import dev.ripple.flags.Gates;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.net.URI;

/** A flag and its definition in the JSON shape of GitLab's {@code Entities::Feature}. */
final class FeatureJson {
    private FeatureJson() {
    }

    static JsonObject flag(String name, Gates gates, FlagDefinition definition) {
        JsonArray list = new JsonArray().add(gate("boolean", gates.enabled()));
        // Zero and empty gates are left out, as GitLab's entity does; the boolean gate always stays.
        if (gates.percentageOfActors() != null) {
            list.add(gate("percentage_of_actors", percentage(gates.percentageOfActors())));
        }
        if (gates.percentageOfTime() != null) {
            list.add(gate("percentage_of_time", percentage(gates.percentageOfTime())));
        }
        if (!gates.actors().isEmpty()) {
            list.add(gate("actors", new JsonArray(gates.actors().stream().map(Object.class::cast).toList())));
        }
        if (!gates.groups().isEmpty()) {
            list.add(gate("groups", new JsonArray(gates.groups().stream().map(Object.class::cast).toList())));
        }
        return new JsonObject()
                .put("name", name)
                .put("state", gates.state().wireName())
                .put("gates", list)
                .put("definition", definition == null ? null : definition(definition));
    }

    /** The fields of GitLab's {@code Feature::Definition} a client may read. */
    static JsonObject definition(FlagDefinition d) {
        return new JsonObject()
                .put("name", d.name())
                .put("introduced_by_url", link(d, "introduced-by"))
                .put("rollout_issue_url", link(d, "rollout-issue"))
                .put("feature_issue_url", link(d, "feature-issue"))
                .put("milestone", null)
                .put("log_state_changes", null)
                .put("type", gitlabType(d.type()))
                .put("group", d.group())
                .put("default_enabled", d.defaultEnabled());
    }

    private static String gitlabType(FlagType type) {
        return type == FlagType.DERISK ? "gitlab_com_derisk" : type.wireName();
    }

    private static String link(FlagDefinition d, String name) {
        URI uri = d.links().get(name);
        return uri == null ? null : uri.toString();
    }

    private static JsonObject gate(String key, Object value) {
        return new JsonObject().put("key", key).put("value", value);
    }

    /** Whole percentages as integers, others as decimals, as GitLab renders them. */
    private static Number percentage(BigDecimal p) {
        BigDecimal stripped = p.stripTrailingZeros();
        // Not a ternary: that would promote the integer to a double and render 25 as 25.0.
        if (stripped.scale() <= 0) {
            return stripped.intValueExact();
        }
        return stripped.doubleValue();
    }
}
