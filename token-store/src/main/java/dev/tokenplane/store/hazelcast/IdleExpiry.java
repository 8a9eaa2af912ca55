package dev.tokenplane.store.hazelcast;

/** How idle buckets leave the map. */
public enum IdleExpiry {
    /**
     * The store's own sweep: each member periodically finds the buckets it owns that are idle for their TTL and full
     * ({@link dev.tokenplane.store.BucketMath#isEvictable}) and removes them atomically. Entries carry no Hazelcast
     * expiry metadata, which saves about 30–70 bytes per entry.
     */
    SWEEP,
    /**
     * Hazelcast's per-entry expiry: every write sets the entry's TTL to the time until the bucket would be idle for its
     * TTL and full, so an entry expires once nobody has changed it for that long. Hazelcast cannot set a per-entry
     * max-idle from an entry processor, and a map-wide max-idle would give every bucket the same TTL (in whole seconds)
     * and ignore whether it has refilled; a TTL refreshed on each write is the per-entry max-idle the buckets need.
     */
    ENTRY_TTL
}
