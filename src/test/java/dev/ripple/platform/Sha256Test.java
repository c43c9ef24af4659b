package dev.ripple.platform;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class Sha256Test {

    @Test
    void textIsDigestedAsItsUtf8BytesWhateverItsLengthOrAlphabet() {
        // Given texts short, long (past the reused buffer) and not ASCII, one after another
        String[] parts = {"flag_0001", "x".repeat(300), "Namespaces::UserNamespace:7", "café ✓", ""};

        // When they are added as text and, separately, as their UTF-8 bytes
        Sha256 asText = Sha256.start();
        Sha256 asBytes = Sha256.start();
        for (String part : parts) {
            asText.add(part);
            asBytes.add(part.getBytes(StandardCharsets.UTF_8));
        }

        // Then both digests are the same
        assertThat(asText.hex()).isEqualTo(asBytes.hex());
    }

    @Test
    void noTextIsDigestedAsTheWordNull() {
        // Given / When
        String none = Sha256.start().add((String) null).hex();
        String word = Sha256.start().add("null".getBytes(StandardCharsets.UTF_8)).hex();

        // Then
        assertThat(none).isEqualTo(word);
    }

    @Test
    void movingCharactersFromOnePartToTheNextChangesTheDigest() {
        // Given / When
        String ab = Sha256.start().add("ab").add("c").hex();
        String bc = Sha256.start().add("a").add("bc").hex();

        // Then
        assertThat(ab).isNotEqualTo(bc);
    }
}
