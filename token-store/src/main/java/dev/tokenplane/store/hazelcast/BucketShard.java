package dev.tokenplane.store.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.tokenplane.store.BucketState;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The value of one sharded-map entry: the states of the buckets of one shard, by bucket key. Kept as an object
 * ({@code OBJECT} in-memory format) and changed in place, only by processors on its partition's thread (the owner's
 * {@link ShardProcessor}, a backup's {@link ShardBackup}). Serialized only to migrate or replicate a whole entry, each
 * state in its {@link PackedState} form.
 */
final class BucketShard implements IdentifiedDataSerializable {

    private Map<String, BucketState> states;

    BucketShard() {
        this.states = new HashMap<>();
    }

    BucketState get(String key) {
        return states.get(key);
    }

    /** Stores {@code state} at {@code key}; null removes it. */
    void set(String key, BucketState state) {
        if (state == null) {
            states.remove(key);
        } else {
            states.put(key, state);
        }
    }

    boolean isEmpty() {
        return states.isEmpty();
    }

    /** A copy of the bucket keys, safe to iterate while the shard changes. */
    String[] keys() {
        return states.keySet().toArray(String[]::new);
    }

    @Override
    public int getFactoryId() {
        return StoreDataSerializableFactory.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return StoreDataSerializableFactory.BUCKET_SHARD;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeInt(states.size());
        for (Map.Entry<String, BucketState> e : states.entrySet()) {
            out.writeString(e.getKey());
            out.writeByteArray(PackedState.encode(e.getValue()));
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        int n = in.readInt();
        states = new HashMap<>(Math.max(4, n * 2));
        for (int i = 0; i < n; i++) {
            states.put(in.readString(), PackedState.decode(in.readByteArray()));
        }
    }
}
