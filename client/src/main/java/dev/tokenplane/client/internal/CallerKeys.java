package dev.tokenplane.client.internal;

import dev.tokenplane.client.Decision;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Keys of the local fallback for decisions made with a forwarded API key: each API key's buckets are kept apart under
 * a digest of it, so that one caller's outage-time tokens are not another's. The digest stays in this process (the
 * fallback's memory) and is never sent, logged or counted.
 */
final class CallerKeys {
    /** Below any character a bucket key may hold, so no caller's key can collide with a scoped one. */
    private static final char SEP = '\u001F';

    private CallerKeys() {}

    /** The fallback's key of {@code key} for the caller with {@code apiKey} (null: this client's own: the key). */
    static String localKey(String key, String apiKey) {
        if (apiKey == null) {
            return key;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8));
            return key + SEP + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code d} under {@code key}. */
    static Decision rekeyed(Decision d, String key) {
        if (d.key() != null && d.key().equals(key)) {
            return d;
        }
        return new Decision(
                key,
                d.granted(),
                d.tokens(),
                d.remaining(),
                d.capacity(),
                d.refillPerSecond(),
                d.waitMs(),
                d.retryAfterMs(),
                d.ruleId(),
                d.source());
    }
}
