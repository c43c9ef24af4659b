package dev.ripple.cells;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The bytes of a cell's answer: the first {@code length} of {@code bytes}. Lists are read into a buffer that the
 * thread (one of the {@link CellAnswerThreads}) reuses, not into a new array per answer: a rollout reads two 28 KB
 * lists from each of 1,000 cells, and nothing keeps the bytes once they are parsed.
 */
record Answer(byte[] bytes, int length) {
    private static final int KEEP_UP_TO = 1 << 20;
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[64 * 1024]);

    static Answer of(byte[] bytes) {
        return new Answer(bytes, bytes.length);
    }

    /** Reads the stream to its end into this thread's buffer; valid until the thread reads the next answer. */
    static Answer readReusing(InputStream in) throws IOException {
        byte[] buffer = BUFFERS.get();
        int length = 0;
        while (true) {
            if (length == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
                if (buffer.length <= KEEP_UP_TO) {
                    BUFFERS.set(buffer);
                }
            }
            int n = in.read(buffer, length, buffer.length - length);
            if (n < 0) {
                return new Answer(buffer, length);
            }
            length += n;
        }
    }

    /** Two different CRCs side by side: 64 bits, computed at memory speed (both are CPU intrinsics). */
    long fingerprint() {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(bytes, 0, length);
        java.util.zip.CRC32 d = new java.util.zip.CRC32();
        d.update(bytes, 0, length);
        return (c.getValue() << 32) | d.getValue();
    }

    JsonParser parser(JsonFactory factory) throws IOException {
        return factory.createParser(bytes, 0, length);
    }
}
