package dev.ripple.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a principal may do. Roles imply the ones below them: {@code sre} can do everything an {@code engineer} can, an
 * {@code engineer} everything a {@code viewer} can; {@code admin} manages tokens and the topology and can read.
 * {@code bot} only lets a chat integration speak for its users: what it may change is decided by the chat user's own
 * roles, never by the bot's.
 */
public enum Role {
    VIEWER, ENGINEER, SRE, ADMIN, BOT;

    /** The wire form: {@code viewer}, {@code engineer}, ... */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** This role and every role it implies. */
    public Set<Role> implied() {
        switch (this) {
            case SRE:
                return EnumSet.of(SRE, ENGINEER, VIEWER);
            case ENGINEER:
                return EnumSet.of(ENGINEER, VIEWER);
            case ADMIN:
                return EnumSet.of(ADMIN, VIEWER);
            default:
                return EnumSet.of(this);
        }
    }

    public static Optional<Role> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        for (Role role : values()) {
            if (role.id().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    /** Every role the given ones grant, implied ones included. */
    public static Set<Role> expand(Set<Role> granted) {
        Set<Role> all = EnumSet.noneOf(Role.class);
        granted.forEach(role -> all.addAll(role.implied()));
        return all;
    }

    /** Names for {@code @RolesAllowed}; identities carry implied roles, so one name per endpoint is enough. */
    public static final class Names {
        public static final String VIEWER = "viewer";
        public static final String ENGINEER = "engineer";
        public static final String SRE = "sre";
        public static final String ADMIN = "admin";
        public static final String BOT = "bot";

        private Names() {
        }
    }
}
