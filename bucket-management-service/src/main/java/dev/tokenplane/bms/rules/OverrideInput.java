package dev.tokenplane.bms.rules;

import static dev.tokenplane.bms.rules.InvalidInputException.check;

import dev.tokenplane.store.Tokens;

/**
 * The body of {@code PUT /v1/buckets/{key}/override}. {@code key}, {@code version} and {@code updatedAt} may be echoed
 * back from a read; {@code key} must then equal the path's. The expiry is either {@code expiresAt} (epoch millis) or
 * {@code ttlSeconds} (from now), not both.
 */
public record OverrideInput(
        String key,
        Long capacity,
        Double refillPerSecond,
        Long expiresAt,
        Long ttlSeconds,
        BucketOverride.TransferOverride transfer,
        Long version,
        Long updatedAt) {

    /** The latest {@code expiresAt} accepted: 100 years from now, far beyond any real pin. */
    public static final long MAX_EXPIRY_MILLIS = 100L * 365 * 24 * 3600 * 1000;

    /**
     * Validates this input for {@code bucketKey} at {@code nowMillis}.
     *
     * @throws InvalidInputException naming the first field that is missing or out of range
     */
    public BucketOverride toOverride(String bucketKey, long nowMillis) {
        check(key == null || key.equals(bucketKey), "key must be absent or equal the key in the path");
        check(capacity != null, "capacity is required");
        check(
                capacity >= 1 && capacity <= Tokens.MAX_CAPACITY,
                "capacity must be in [1, " + Tokens.MAX_CAPACITY + "], was " + capacity);
        check(refillPerSecond != null, "refillPerSecond is required");
        RuleInput.checkRefill("refillPerSecond", refillPerSecond);
        check(expiresAt == null || ttlSeconds == null, "give expiresAt or ttlSeconds, not both");
        check(
                ttlSeconds == null || (ttlSeconds >= 1 && ttlSeconds <= MAX_EXPIRY_MILLIS / 1000),
                "ttlSeconds must be in [1, " + MAX_EXPIRY_MILLIS / 1000 + "] (100 years), was " + ttlSeconds);
        Long expiry = ttlSeconds == null ? expiresAt : Long.valueOf(nowMillis + ttlSeconds * 1000);
        check(
                expiresAt == null || (expiresAt > nowMillis && expiresAt - nowMillis <= MAX_EXPIRY_MILLIS),
                "expiresAt must be epoch millis in the future, within 100 years, was " + expiresAt);
        if (transfer != null) {
            check(
                    transfer.pool() == null
                            || RuleInput.NAME.matcher(transfer.pool()).matches(),
                    "transfer.pool must match [A-Za-z0-9._-]{1,128}");
            check(
                    transfer.region() == null
                            || RuleInput.NAME.matcher(transfer.region()).matches(),
                    "transfer.region must match [A-Za-z0-9._-]{1,128}");
            check(
                    transfer.weight() == null || (transfer.weight() > 0 && transfer.weight() <= RuleInput.MAX_WEIGHT),
                    "transfer.weight must be in (0, " + RuleInput.MAX_WEIGHT + "], was " + transfer.weight());
            check(
                    transfer.reserveFraction() == null
                            || (transfer.reserveFraction() >= 0 && transfer.reserveFraction() <= 1),
                    "transfer.reserveFraction must be in [0, 1], was " + transfer.reserveFraction());
        }
        return new BucketOverride(bucketKey, capacity, refillPerSecond, expiry, transfer, 0, 0);
    }
}
