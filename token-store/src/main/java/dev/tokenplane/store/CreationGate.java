package dev.tokenplane.store;

/**
 * Whether a bucket may be created, asked on the member that would hold it, at the moment an acquire would create it.
 *
 * <p>A store calls {@link #tryCreate} only when an acquire finds no bucket and would write one; a gate that answers
 * {@code false} leaves the key without a bucket and the acquire answers {@link AcquireResult.Refused}. Existing buckets
 * are never asked about, so a gate can only stop growth, never take a bucket away. The store reports each bucket it
 * removes itself (a delete, an idle sweep) through {@link #removed}, so that a gate can count.
 *
 * <p>Called on the thread that runs the bucket operation (a Hazelcast partition thread): implementations must be
 * thread-safe, fast and non-blocking.
 */
public interface CreationGate {

    /** Every creation allowed, nothing counted. */
    CreationGate UNLIMITED = new CreationGate() {
        @Override
        public boolean tryCreate(BucketSpec spec) {
            return true;
        }

        @Override
        public void removed(BucketState state) {}
    };

    /**
     * Asked once before a bucket is created from {@code spec}; {@code true} means it is created now (count it).
     */
    boolean tryCreate(BucketSpec spec);

    /** A bucket in {@code state} was removed by a store operation on this member. */
    void removed(BucketState state);
}
