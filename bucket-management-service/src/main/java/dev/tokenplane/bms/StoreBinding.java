package dev.tokenplane.bms;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.bms.buckets.BucketDirectory;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.local.LocalBucketStore;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The bucket store of a member and the directory that lists its keys.
 */
record StoreBinding(BucketStore store, BucketDirectory directory) {

    /** Adds what the store needs to the member configuration. */
    static void configure(Config config) {
    }

    static StoreBinding open(HazelcastInstance hazelcast, InstantSource clock, Executor callbacks) {
        LocalBucketStore store = new LocalBucketStore(clock, Duration.ofSeconds(10));
        BucketDirectory directory = (prefix, after, limit) -> CompletableFuture.completedFuture(
                store.ownedKeys().stream()
                        .filter(k -> k.startsWith(prefix) && (after == null || k.compareTo(after) > 0))
                        .sorted().limit(limit).toList());
        return new StoreBinding(store, directory);
    }

    void close() {
        store.close();
    }
}
