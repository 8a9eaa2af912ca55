package dev.tokenplane.bms.leases;

import com.hazelcast.partition.PartitionAware;

/**
 * The key of a lease in the ledger: its id and its bucket's key. Partitioned by the bucket key, so that a lease lives
 * in its bucket's partition, on the same owner (and moves with it); and a lease id sent with another bucket's key
 * names no entry at all.
 *
 * @param id        the lease id (128 random bits, URL-safe base64)
 * @param bucketKey the store key of the bucket the lease took its tokens from (its key, rule and client:
 *                  {@code StoreKey})
 */
record LeaseKey(String id, String bucketKey) implements PartitionAware<String> {

    @Override
    public String getPartitionKey() {
        return bucketKey;
    }
}
