package dev.ripple.topology;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/** Runs Ripple on a writable copy of the shipped rings/, watched for edits every second. */
public class TempRingsProfile implements QuarkusTestProfile {
    // Quarkus loads this class in more than one class loader; the system property makes them share one copy.
    private static final String KEY = "ripple.test.rings-copy";
    static final Path DIR = Path.of(System.getProperties().computeIfAbsent(KEY,
            k -> copyOfShippedRings().toString()).toString());

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("ripple.rings.dir", DIR.toString(), "ripple.rings.watch-every", "1s");
    }

    private static Path copyOfShippedRings() {
        try {
            Path target = Files.createTempDirectory("ripple-rings-");
            Path source = Path.of("rings");
            try (Stream<Path> files = Files.walk(source)) {
                for (Path f : files.toList()) {
                    Path to = target.resolve(source.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(f, to);
                    }
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
