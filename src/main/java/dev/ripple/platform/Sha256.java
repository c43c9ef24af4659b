package dev.ripple.platform;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A SHA-256 over a sequence of parts, each length-prefixed so that no two different sequences can collide by moving
 * bytes from one part to the next. Used for versions, content hashes and ETags.
 */
public final class Sha256 {
    private final MessageDigest digest;
    private final byte[] prefix = new byte[4];
    private byte[] scratch = new byte[64];

    private Sha256() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    public static Sha256 start() {
        return new Sha256();
    }

    /** Adds {@code String.valueOf(part)} as UTF-8. */
    public Sha256 add(Object part) {
        return add(String.valueOf(part));
    }

    /**
     * Adds the text as UTF-8 ({@code "null"} for null, as {@link #add(Object)}); ASCII (names, ids, numbers) is
     * copied through one reused buffer, without garbage.
     */
    public Sha256 add(String text) {
        String part = String.valueOf(text);
        int n = part.length();
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
        }
        for (int i = 0; i < n; i++) {
            char c = part.charAt(i);
            if (c >= 0x80) {
                return add(part.getBytes(StandardCharsets.UTF_8));
            }
            scratch[i] = (byte) c;
        }
        length(n);
        digest.update(scratch, 0, n);
        return this;
    }

    public Sha256 add(byte[] part) {
        length(part.length);
        digest.update(part);
        return this;
    }

    private void length(int n) {
        prefix[0] = (byte) (n >>> 24);
        prefix[1] = (byte) (n >>> 16);
        prefix[2] = (byte) (n >>> 8);
        prefix[3] = (byte) n;
        digest.update(prefix);
    }

    public String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The digest's first 16 bytes as two big-endian longs; the digest then starts over, for the next value. */
    public long[] first128() {
        byte[] bytes = digest.digest();
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (bytes[i] & 0xff);
            lo = (lo << 8) | (bytes[8 + i] & 0xff);
        }
        return new long[] {hi, lo};
    }

    /** The first {@code bytes} bytes of the digest, in hex. */
    public String hex(int bytes) {
        return HexFormat.of().formatHex(digest.digest(), 0, bytes);
    }
}
