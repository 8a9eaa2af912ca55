package dev.tokenplane.client.http;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Bucket keys from values a caller sends (a header, an IP, a user name), for the HTTP middlewares (Vert.x Web,
 * Servlet): a fixed prefix (which the BMS's rules match, such as {@code "free:"}) before the value, made safe.
 *
 * <p>Values come from the caller, so whitespace and control characters become {@code _}, and a key longer than the
 * BMS allows (256) is the prefix plus the value's SHA-256: a caller cannot dodge the limit with a key the BMS would
 * refuse. Secrets (API keys) go in only as a digest.
 */
public final class BucketKeys {
    /** The longest key the BMS takes. */
    public static final int MAX_KEY_LENGTH = 256;
    /** The header of an API key. */
    public static final String API_KEY_HEADER = "X-Api-Key";

    private BucketKeys() {}

    /** {@code prefix + value}, made safe as a bucket key; null when there is no value. */
    public static String key(String prefix, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        String key = safe(prefix + value);
        return key.length() <= MAX_KEY_LENGTH
                ? key
                : safe(prefix) + HexFormat.of().formatHex(digest(value, null));
    }

    /** A fixed key, checked and made safe once. */
    public static String fixed(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key must be 1.." + MAX_KEY_LENGTH + " characters, was " + key);
        }
        return safe(key);
    }

    /** {@code prefix + "{client}"}, the key the BMS fills with the client id of a forwarded API key. */
    public static String perClient(String prefix) {
        String key = safe(prefix + "{client}");
        if (key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("prefix must leave room for {client}");
        }
        return key;
    }

    /**
     * {@code prefix} + a digest of {@code value} (HMAC-SHA256 under {@code secret}, or SHA-256 when null); null
     * without a value.
     */
    public static String digestKey(String prefix, String value, byte[] secret) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        String key = safe(prefix) + Base64.getUrlEncoder().withoutPadding().encodeToString(digest(value, secret));
        return key.length() <= MAX_KEY_LENGTH ? key : key.substring(0, MAX_KEY_LENGTH);
    }

    /** A copy of an HMAC secret, checked: at least 16 bytes. */
    public static byte[] hmacSecret(byte[] secret) {
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("the HMAC secret must be at least 16 bytes");
        }
        return secret.clone();
    }

    /** Whitespace, control characters, surrogates and U+FFFD (all refused in keys by the BMS) become {@code _}. */
    static String safe(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(
                    Character.isISOControl(c)
                                    || Character.isWhitespace(c)
                                    || Character.isSpaceChar(c)
                                    || Character.isSurrogate(c)
                                    || c == '\uFFFD'
                            ? '_'
                            : c);
        }
        return b.toString();
    }

    private static byte[] digest(String value, byte[] secret) {
        try {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            if (secret == null) {
                return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
            }
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
