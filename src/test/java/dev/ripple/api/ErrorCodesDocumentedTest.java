package dev.ripple.api;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Bots switch on the {@code code} of a problem: every code Ripple can answer is listed in docs/api.md. */
class ErrorCodesDocumentedTest {
    @Test
    void everyErrorCodeIsInTheApiDocsWithItsStatus() throws IOException {
        String docs = Files.readString(Path.of("docs/api.md"));
        assertThat(Arrays.stream(ErrorCode.values()))
                .allSatisfy(code -> assertThat(docs).as(code.code())
                        .contains("| `" + code.code() + "` | " + code.status() + " |"));
    }
}
