package dev.ripple.auth;

import java.util.EnumSet;
import java.util.Set;

/**
 * Who is acting: a token's principal on the API, or the mapped chat user behind a bot. {@code roles} holds the implied
 * roles too, so {@code has(ENGINEER)} is true for an SRE. {@code via} names the bot or Slack app a chat request came
 * through (null on the API).
 */
public record Principal(String name, Set<Role> roles, Channel channel, String via) {
    public static final Principal ANONYMOUS = new Principal("anonymous", Set.of(), Channel.API, null);

    public Principal {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a principal needs a name");
        }
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(Role.expand(EnumSet.copyOf(roles)));
    }

    public static Principal api(String name, Set<Role> roles) {
        return new Principal(name, roles, Channel.API, null);
    }

    public static Principal chat(String name, Set<Role> roles, String via) {
        return new Principal(name, roles, Channel.CHAT, via);
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /** The highest role held, for the audit log: sre, engineer, admin, viewer, bot, or none. */
    public String topRole() {
        for (Role role : new Role[]{Role.SRE, Role.ADMIN, Role.ENGINEER, Role.VIEWER, Role.BOT}) {
            if (roles.contains(role)) {
                return role.id();
            }
        }
        return "none";
    }
}
