package dev.ripple.flags;

import dev.ripple.health.RolloutPolicy;

import java.net.URI;
import java.util.Map;
import java.util.regex.Pattern;

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
    private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,100}");

    public FlagDefinition {
        links = Map.copyOf(links);
    }

    /** Whether {@code text} can name a flag on a cell: lowercase letters, digits and underscores, 100 at most. */
    public static boolean isFlagName(String text) {
        return text != null && NAME.matcher(text).matches();
    }
}
