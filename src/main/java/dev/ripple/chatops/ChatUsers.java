package dev.ripple.chatops;

import dev.ripple.auth.Principal;
import dev.ripple.auth.Role;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Maps chat users to principals and roles, from {@code ripple.chatops.users}. One mapping serves Slack (keyed by the
 * Slack user id) and other bots (keyed by the user name they send). A mistake in it stops Ripple at startup rather
 * than quietly leave someone without the roles they were meant to have.
 */
@Startup
@ApplicationScoped
public class ChatUsers {
    private static final Logger LOG = Logger.getLogger(ChatUsers.class);
    private static final int NAME_MAX = 100;

    private final Map<String, Mapped> users;

    private record Mapped(String name, Set<Role> roles) {
    }

    @Inject
    ChatUsers(ChatOpsConfig config) {
        this(config.users());
    }

    /** @throws IllegalStateException naming every problem in the mapping */
    ChatUsers(Map<String, ChatOpsConfig.User> config) {
        List<String> problems = new ArrayList<>();
        Map<String, Mapped> mapped = new TreeMap<>();
        config.forEach((id, user) -> {
            String key = "ripple.chatops.users.\"" + id + "\".";
            String name = user.name().map(String::strip).filter(n -> !n.isEmpty()).orElse(id);
            if (name.length() > NAME_MAX) {
                problems.add(key + "name is longer than " + NAME_MAX + " characters");
            }
            Set<Role> roles = EnumSet.noneOf(Role.class);
            for (String text : user.roles().orElse(List.of())) {
                Optional<Role> role = Role.parse(text);
                if (role.isEmpty()) {
                    problems.add(key + "roles: '" + text + "' is not a role (viewer, engineer, sre, admin)");
                } else if (role.get() == Role.BOT) {
                    problems.add(key + "roles: bot is for the tokens of chat integrations, not for chat users");
                } else {
                    roles.add(role.get());
                }
            }
            if (roles.isEmpty() && user.roles().orElse(List.of()).isEmpty()) {
                problems.add(key + "roles is missing: give at least viewer");
            }
            mapped.put(id, new Mapped(name, roles));
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException("ripple.chatops.users is not valid:\n  " + String.join("\n  ", problems));
        }
        this.users = Map.copyOf(mapped);
        LOG.infof("ChatOps: %d chat user(s) mapped to roles", users.size());
    }

    /** The chat user {@code id} acting through {@code via} (the Slack app, or the bot's principal name). */
    public ChatUser resolve(String id, String via) {
        Mapped user = users.get(id);
        if (user == null) {
            return new ChatUser(id, Principal.chat(id, Set.of(), via), false);
        }
        return new ChatUser(id, Principal.chat(user.name(), user.roles(), via), true);
    }
}
