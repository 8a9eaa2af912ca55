package dev.tokenplane.store.hazelcast;

/** {@link ShardedHazelcastBucketStoreTest} with three shard entries per partition. */
class ThreeShardsHazelcastBucketStoreTest extends ShardedHazelcastBucketStoreTest {

    @Override
    int shards() {
        return 3;
    }
}
