package dev.tokenplane.bms.rules;

import java.nio.charset.StandardCharsets;

/**
 * The generation of a bucket's spec: a 64-bit FNV-1a hash of the rule id, the rule version and the override version
 * (0 for none). It changes whenever the rule or the override behind a key changes, so the store resets the bucket, and
 * it is the same on every member because it depends on replicated values only (never on a clock or a member).
 */
public final class Generations {
    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private Generations() {}

    public static long of(String ruleId, long ruleVersion, long overrideVersion) {
        long h = OFFSET;
        h = mix(h, ruleId.getBytes(StandardCharsets.UTF_8));
        h = mix(h, new byte[] {0});
        h = mixLong(h, ruleVersion);
        h = mixLong(h, overrideVersion);
        return h;
    }

    private static long mix(long h, byte[] bytes) {
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= PRIME;
        }
        return h;
    }

    private static long mixLong(long h, long v) {
        for (int i = 0; i < 8; i++) {
            h ^= (v >>> (8 * i)) & 0xff;
            h *= PRIME;
        }
        return h;
    }
}
