package dev.ripple.cells;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class AnswerTest {

    @Test
    void answersOfAnySizeAreReadWholeOneAfterAnotherOnOneThread() throws IOException {
        // Given answers smaller than the reused buffer, larger than it, larger than what is kept, then small again
        Random random = new Random(3);
        for (int size : new int[] {0, 28_000, 200_000, 3_000_000, 1_000}) {
            byte[] body = new byte[size];
            random.nextBytes(body);

            // When each is read
            Answer answer = Answer.readReusing(new ByteArrayInputStream(body));

            // Then it holds exactly the bytes sent, and fingerprints as they do
            assertThat(answer.length()).isEqualTo(size);
            assertThat(Arrays.copyOf(answer.bytes(), answer.length())).isEqualTo(body);
            assertThat(answer.fingerprint()).isEqualTo(Answer.of(body).fingerprint());
        }
    }
}
