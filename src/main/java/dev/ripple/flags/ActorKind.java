package dev.ripple.flags;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds of actor a gate can name. {@code flipperPrefix} is how a cell reports the actor inside the
 * {@code actors} gate ({@code User:42}); feature groups live in their own {@code groups} gate instead.
 */
public enum ActorKind {
    USER("user", "User"),
    PROJECT("project", "Project"),
    GROUP("group", "Group"),
    NAMESPACE("namespace", "Namespaces::UserNamespace"),
    REPOSITORY("repository", "Repository"),
    FEATURE_GROUP("feature_group", null),
    ORGANIZATION("organization", "Organizations::Organization");

    private final String wireName;
    private final String flipperPrefix;

    ActorKind(String wireName, String flipperPrefix) {
        this.wireName = wireName;
        this.flipperPrefix = flipperPrefix;
    }

    /** The name used in APIs and on the command line: {@code user}, {@code feature_group}, ... */
    public String wireName() {
        return wireName;
    }

    /** Prefix of the Flipper id a cell stores for this kind, or null for feature groups. */
    public String flipperPrefix() {
        return flipperPrefix;
    }

    public static Optional<ActorKind> fromWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String normalized = name.trim().toLowerCase().replace('-', '_');
        return Arrays.stream(values()).filter(k -> k.wireName.equals(normalized)).findFirst();
    }
}
