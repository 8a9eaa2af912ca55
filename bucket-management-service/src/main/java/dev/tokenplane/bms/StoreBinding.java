package dev.tokenplane.bms;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.bms.buckets.BucketDirectory;
import dev.tokenplane.bms.buckets.HazelcastBucketDirectory;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.hazelcast.BucketMapSettings;
import dev.tokenplane.store.hazelcast.HazelcastBucketStore;

import java.time.InstantSource;
import java.util.concurrent.Executor;

/**
 * The bucket store of a member (the Hazelcast store over the map {@value #MAP}) and the directory that lists its keys.
 */
record StoreBinding(BucketStore store, BucketDirectory directory) {
    /** The Hazelcast map of the buckets. */
    static final String MAP = "tp.buckets";

    /**
     * Adds the bucket map, the store's serializers and the directory's to the member configuration, on the member's
     * clock.
     */
    static void configure(Config config, InstantSource clock) {
        HazelcastBucketStore.configure(config, MAP, BucketMapSettings.defaults().withClock(clock));
        HazelcastBucketDirectory.configure(config);
    }

    /**
     * Opens the store on a started member.
     *
     * @param completions completes the store's stages (then handed to the caller's Vert.x context)
     * @param blocking    runs the directory's blocking cluster queries
     */
    static StoreBinding open(HazelcastInstance hazelcast, Executor completions, Executor blocking) {
        return new StoreBinding(new HazelcastBucketStore(hazelcast, MAP, completions),
                new HazelcastBucketDirectory(hazelcast.getMap(MAP), blocking));
    }

    void close() {
        store.close();
    }
}
