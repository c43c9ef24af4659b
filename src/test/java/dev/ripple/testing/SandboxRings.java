package dev.ripple.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A small {@code rings/} tree in a temporary folder for tests on the sandbox fleet: one health check reading the
 * sandbox cells' error ratio gauge ({@code error-ratio}), one flag, and rings written by {@link #ring}.
 */
public final class SandboxRings {
    private SandboxRings() {
    }

    /** A new folder with {@code checks.yaml} and the flag {@code flag}; no rings yet. */
    public static Path create(String prefix, String flag, String description) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            Files.createDirectories(dir.resolve("topology"));
            Files.createDirectories(dir.resolve("flags"));
            Files.writeString(dir.resolve("checks.yaml"), """
                    checks:
                      error-ratio:
                        description: Highest error ratio the ring's cells report
                        unhealthy-when: above
                        query: max(sandbox_app_error_ratio{cell=~"{{cells}}"})
                    """);
            Files.writeString(dir.resolve("flags/" + flag + ".yaml"), """
                    name: %s
                    owner: "@tests"
                    type: derisk
                    description: %s
                    group: group::tests
                    default-enabled: false
                    """.formatted(flag, description));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code sandbox://ID} for each id, by id. */
    public static Map<String, String> sandboxCells(String... ids) {
        return Arrays.stream(ids).collect(Collectors.toMap(id -> id, id -> "sandbox://" + id, (a, b) -> a,
                TreeMap::new));
    }

    /**
     * Writes (or rewrites) ring {@code id}: {@code bake}, the {@code error-ratio} check (halt 0.05, rollback 0.2), and
     * a {@code gitlab} cell per entry of {@code cellUrls} with the sandbox token.
     */
    public static void ring(Path dir, int id, String name, boolean quarantine, String bake,
                            Map<String, String> cellUrls) {
        StringBuilder yaml = new StringBuilder("id: " + id + "\nname: " + name + "\npolicy:\n");
        if (quarantine) {
            yaml.append("  quarantine: true\n");
        }
        yaml.append("  bake: ").append(bake).append("\n").append("""
                  checks:
                    - check: error-ratio
                      halt: 0.05
                      rollback: 0.2
                cells:
                """);
        new TreeMap<>(cellUrls).forEach((cell, url) -> yaml.append("  - id: ").append(cell)
                .append("\n    adapter: gitlab\n    url: ").append(url)
                .append("\n    credential: env:RIPPLE_SANDBOX_TOKEN\n"));
        try {
            Files.writeString(dir.resolve("topology/ring-" + (id < 0 ? "q" : id) + ".yaml"), yaml.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
