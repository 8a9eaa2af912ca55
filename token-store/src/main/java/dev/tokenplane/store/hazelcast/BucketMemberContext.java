package dev.tokenplane.store.hazelcast;

import com.hazelcast.core.ManagedContext;
import dev.tokenplane.store.CreationGate;
import java.time.InstantSource;

/**
 * The member side of the store: Hazelcast passes every processor it is about to run (and every object it deserializes)
 * through its {@link ManagedContext}, and this one binds the store's processors to the member's clock and {@link CreationGate}. It wraps the
 * context that was configured before it, so other users of {@code Config.setManagedContext} keep working.
 */
final class BucketMemberContext implements ManagedContext {

    private final InstantSource clock;
    private final CreationGate gate;
    private final ManagedContext next;

    BucketMemberContext(InstantSource clock, CreationGate gate, ManagedContext next) {
        this.clock = clock;
        this.gate = gate;
        this.next = next;
    }

    CreationGate gate() {
        return gate;
    }

    InstantSource clock() {
        return clock;
    }

    @Override
    public Object initialize(Object obj) {
        Object initialized = next == null ? obj : next.initialize(obj);
        if (initialized instanceof ShardProcessor shards) {
            return shards.bind(clock, gate);
        }
        return initialized instanceof BucketProcessor<?> p ? p.bind(clock, gate) : initialized;
    }
}
