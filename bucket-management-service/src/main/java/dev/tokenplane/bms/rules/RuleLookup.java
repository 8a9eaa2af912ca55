package dev.tokenplane.bms.rules;

/**
 * The three questions a resolver asks of the rules ({@link RuleIndex} answers them). An interface so that a test can
 * wrap the real index and count what a decision asks of it.
 */
public interface RuleLookup {

    /** The rule serving {@code key} for a caller with {@code clientId} and {@code tier} (each null for none), or null. */
    RuleIndex.Entry match(String key, String clientId, String tier);

    /**
     * The rule serving {@code key} for a caller with {@code clientId} and {@code tier}, with the store key of that
     * rule's bucket for the caller ({@link RuleIndex.Entry#storeKey}); null when no rule serves it.
     */
    default RuleIndex.Served served(String key, String clientId, String tier) {
        RuleIndex.Entry entry = match(key, clientId, tier);
        return entry == null ? null : new RuleIndex.Served(entry, entry.storeKey(key, clientId));
    }

    /** The rule of the bucket at {@code storeKey} without reading it, or null ({@link RuleIndex#ruleOfStoreKey}). */
    RuleIndex.Entry ruleOfStoreKey(String storeKey);

    /** The rule of an existing bucket that carries {@code bucketGeneration}, or null ({@link RuleIndex#ruleOfBucket}). */
    RuleIndex.Entry ruleOfBucket(String storeKey, long bucketGeneration, BucketOverride override);
}
