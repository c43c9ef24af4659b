package dev.ripple.chatops;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Slack's request signatures, version 0: {@code v0=} and the hex HMAC-SHA256, keyed with the app's signing secret, of
 * {@code v0:TIMESTAMP:BODY} (the raw body, byte for byte). Pure: the caller supplies the clock and the secret.
 */
final class SlackSignature {
    static final String VERSION = "v0";

    private SlackSignature() {
    }

    /**
     * Why the request must be refused, or empty when it is signed with {@code secret} and recent enough. Replays
     * are for the caller to catch: a valid signature stays valid for {@code maxAge}.
     */
    static Optional<String> problem(String timestamp, String signature, byte[] body, String secret, Instant now,
                                    Duration maxAge, Duration skew) {
        if (timestamp == null || timestamp.isBlank() || signature == null || signature.isBlank()) {
            return Optional.of("X-Slack-Request-Timestamp and X-Slack-Signature are required");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            return Optional.of("X-Slack-Request-Timestamp is not a number of seconds");
        }
        Instant at = Instant.ofEpochSecond(Math.max(0, Math.min(seconds, Instant.MAX.getEpochSecond() / 2)));
        if (at.isBefore(now.minus(maxAge))) {
            return Optional.of("the request is older than " + maxAge.toSeconds() + " s");
        }
        if (at.isAfter(now.plus(skew))) {
            return Optional.of("the request's timestamp is in the future");
        }
        byte[] expected = sign(timestamp.strip(), body, secret).getBytes(StandardCharsets.US_ASCII);
        byte[] given = signature.strip().getBytes(StandardCharsets.US_ASCII);
        // Constant time: how much of a forged signature matched must not show in how long refusing it took.
        if (!MessageDigest.isEqual(expected, given)) {
            return Optional.of("the signature does not match");
        }
        return Optional.empty();
    }

    /** {@code v0=<hex>} for a timestamp and body. */
    static String sign(String timestamp, byte[] body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((VERSION + ":" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
            return VERSION + "=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
