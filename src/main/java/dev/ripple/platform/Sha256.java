package dev.ripple.platform;

import java.nio.ByteBuffer;
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
        return add(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
    }

    public Sha256 add(byte[] part) {
        digest.update(ByteBuffer.allocate(4).putInt(part.length).array());
        digest.update(part);
        return this;
    }

    public String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The first {@code bytes} bytes of the digest, in hex. */
    public String hex(int bytes) {
        return HexFormat.of().formatHex(digest.digest(), 0, bytes);
    }
}
