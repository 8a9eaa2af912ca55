package dev.tokenplane.bms;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.bms.buckets.BucketDirectory;
import dev.tokenplane.bms.buckets.HazelcastBucketDirectory;
import dev.tokenplane.bms.cluster.DataTier;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.CreationGate;
import dev.tokenplane.store.hazelcast.BucketMapSettings;
import dev.tokenplane.store.hazelcast.HazelcastBucketStore;
import java.time.InstantSource;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * The bucket store of a member (the Hazelcast store over the map {@value #MAP}), the directory that lists its keys, and
 * the count of the buckets this member owns (from Hazelcast's local map statistics).
 */
record StoreBinding(BucketStore store, BucketDirectory directory, LongSupplier ownedCount) {
    /** The Hazelcast map of the buckets. */
    static final String MAP = "tp.buckets";

    /**
     * Adds the bucket map and the store's serializers to the member configuration, on the member's clock, with the
     * member's bucket budget asked before each new bucket.
     */
    static void configure(Config config, InstantSource clock, CreationGate budget) {
        HazelcastBucketStore.configure(
                config, MAP, BucketMapSettings.defaults().withClock(clock).withCreationGate(budget));
        HazelcastBucketDirectory.configure(config);
    }

    /**
     * Opens the store on a started member. Its stages complete on the Hazelcast thread that received each answer;
     * callers attach short continuations and hop to Vert.x after.
     *
     * @param blocking runs the directory's blocking cluster queries
     */
    static StoreBinding open(HazelcastInstance hazelcast, Executor blocking) {
        return new StoreBinding(
                new HazelcastBucketStore(hazelcast, MAP),
                new HazelcastBucketDirectory(hazelcast.getMap(MAP), blocking),
                DataTier.isClient(hazelcast)
                        ? () -> 0 // a client owns no buckets
                        : () -> hazelcast.getMap(MAP).getLocalMapStats().getOwnedEntryCount());
    }

    void close() {
        store.close();
    }
}
