package dev.ripple.auth;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Parses {@code principal:role+role:token} entries (comma- or newline-separated). A bad entry stops startup with
 * its position and what is wrong with it; the token itself is never repeated in the message.
 */
final class BootstrapTokens {
    record Entry(String id, String principal, Set<Role> roles, String token) {
    }

    private BootstrapTokens() {
    }

    static List<Entry> parse(String text, String source) {
        List<Entry> entries = new ArrayList<>();
        int position = 0;
        for (String line : text.split("[,\\n]")) {
            String entry = line.strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            position++;
            String where = source + " entry " + position;
            String[] parts = entry.split(":", 3);
            if (parts.length != 3) {
                throw new IllegalStateException(where + ": expected principal:role+role:token");
            }
            String principal = parts[0].strip();
            if (!TokenService.PRINCIPAL.matcher(principal).matches()) {
                throw new IllegalStateException(where + ": principal must be 1-100 letters, digits or ._@:-");
            }
            Set<Role> roles = EnumSet.noneOf(Role.class);
            for (String name : parts[1].split("\\+")) {
                roles.add(Role.parse(name).orElseThrow(() -> new IllegalStateException(where + " (" + principal
                        + "): unknown role '" + name.strip() + "'; roles are viewer, engineer, sre, admin, bot")));
            }
            String token = parts[2].strip();
            if (token.length() < 8) {
                throw new IllegalStateException(where + " (" + principal + "): the token must have at least 8 "
                        + "characters");
            }
            entries.add(new Entry("bootstrap-" + position, principal, roles, token));
        }
        return entries;
    }
}
