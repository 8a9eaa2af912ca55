package dev.tokenplane.bms.rules;

/**
 * An operator's pin of one bucket: while it holds, the bucket has exactly this capacity and refill, its transfer
 * settings are overlaid on the rule's, and the sizing loop leaves it alone.
 *
 * @param key             the bucket key
 * @param capacity        tokens, in [1, {@link dev.tokenplane.store.Tokens#MAX_CAPACITY}]
 * @param refillPerSecond tokens per second
 * @param expiresAt       epoch millis after which the override no longer holds; null for never
 * @param transfer        transfer settings that replace the rule's, field by field; null for none
 * @param version         grows with each write of this key's override
 * @param updatedAt       epoch millis of the last write
 */
public record BucketOverride(
        String key,
        long capacity,
        double refillPerSecond,
        Long expiresAt,
        TransferOverride transfer,
        long version,
        long updatedAt) {

    /** Transfer settings of an override; a null field keeps the rule's value. */
    public record TransferOverride(
            String pool, Boolean canBorrow, Boolean canLend, Double weight, String region, Double reserveFraction) {}

    /** Whether the override holds at {@code nowMillis}. */
    public boolean isActiveAt(long nowMillis) {
        return expiresAt == null || nowMillis < expiresAt;
    }

    public BucketOverride withVersion(long newVersion, long at) {
        return new BucketOverride(key, capacity, refillPerSecond, expiresAt, transfer, newVersion, at);
    }

    /**
     * The rule's transfer settings with this override's laid over them; null when neither has any pool.
     */
    public Rule.Transfer overlay(Rule.Transfer base) {
        if (transfer == null) {
            return base;
        }
        String pool = transfer.pool() != null ? transfer.pool() : base == null ? null : base.pool();
        if (pool == null) {
            return null;
        }
        return new Rule.Transfer(
                pool,
                transfer.canBorrow() != null ? transfer.canBorrow() : base != null && base.canBorrow(),
                transfer.canLend() != null ? transfer.canLend() : base != null && base.canLend(),
                transfer.weight() != null ? transfer.weight() : base == null ? 1 : base.weight(),
                transfer.region() != null ? transfer.region() : base == null ? null : base.region(),
                transfer.reserveFraction() != null
                        ? transfer.reserveFraction()
                        : base == null ? 0.1 : base.reserveFraction());
    }
}
