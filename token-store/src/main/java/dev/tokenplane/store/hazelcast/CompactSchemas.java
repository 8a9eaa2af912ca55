package dev.tokenplane.store.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import java.util.Collection;
import java.util.List;

/**
 * Replicates the Compact schemas of what a member or client stores and receives while it starts, before it serves.
 *
 * <p>Hazelcast replicates a Compact type's schema to every member the first time a member (or a client) serializes a
 * value of it, and blocks the serializing thread until all have acknowledged, through a member list that must stay the
 * same meanwhile. That thread is whichever one serializes: a partition thread answering a remote caller, a response
 * thread that records a lease after a decision, an event loop. With another member slow to answer (a pause, an
 * overloaded machine, a member killed and not yet declared dead), that thread stalls, and every call it serves with
 * it. Replicated at start, a schema is known to the cluster from then on; a member that joins later receives every
 * schema as it joins.
 */
public final class CompactSchemas {
    private CompactSchemas() {}

    /** One value of each Compact type of the bucket store (its states and its operations' results). */
    public static List<Object> ofStore() {
        return CompactSerializers.samples();
    }

    /**
     * Replicates the schemas of {@code samples}' types across the cluster of {@code instance} (a member or a client),
     * on the calling thread: blocks, for start-up only.
     *
     * @throws RuntimeException if the cluster does not acknowledge (members joining or leaving throughout)
     */
    public static void replicate(HazelcastInstance instance, Collection<?> samples) {
        HazelcastInternals.replicateSchemas(instance, samples);
    }
}
