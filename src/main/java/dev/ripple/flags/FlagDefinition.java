package dev.ripple.flags;

import dev.ripple.health.RolloutPolicy;

import java.net.URI;
import java.util.Map;

/**
 * A flag as declared in {@code rings/flags/NAME.yaml}: who owns it, what it is for, and how it may be rolled out.
 *
 * @param links          named links (rollout-issue, feature-issue, introduced-by)
 * @param defaultEnabled what the application does when no cell has persisted the flag
 * @param rollout        the flag's own bake time and health checks, on top of each ring's defaults
 */
public record FlagDefinition(String name,
                             String owner,
                             FlagType type,
                             String description,
                             String group,
                             boolean defaultEnabled,
                             Map<String, URI> links,
                             RolloutPolicy rollout) {
    public FlagDefinition {
        links = Map.copyOf(links);
    }
}
