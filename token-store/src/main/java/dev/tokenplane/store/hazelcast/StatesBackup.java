package dev.tokenplane.store.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The backup of an operation, after Bucket4j's {@code SimpleBackupProcessor}: the state the owner wrote to each key
 * (null for a removal), with its per-entry TTL. It runs no bucket logic. Hazelcast applies it to every key of the
 * original operation in the partition; keys the owner did not write are left alone.
 */
final class StatesBackup<R> implements EntryProcessor<String, byte[], R>, IdentifiedDataSerializable {

    record Written(byte[] state, long ttlMillis) {}

    private Map<String, Written> writes;

    StatesBackup() {}

    StatesBackup(Map<String, Written> writes) {
        this.writes = writes;
    }

    @Override
    public R process(Map.Entry<String, byte[]> entry) {
        Written w = writes.get(entry.getKey());
        if (w != null) {
            // over the backup's own array when it fits, as on the owner (PackedState#encodeInto)
            byte[] state = w.state() == null ? null : PackedState.copyInto(w.state(), entry.getValue());
            BucketProcessor.store(entry, state, w.ttlMillis());
        }
        return null;
    }

    @Override
    public int getFactoryId() {
        return StoreDataSerializableFactory.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return StoreDataSerializableFactory.STATES_BACKUP;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeInt(writes.size());
        for (Map.Entry<String, Written> e : writes.entrySet()) {
            out.writeString(e.getKey());
            out.writeByteArray(e.getValue().state());
            out.writeLong(e.getValue().ttlMillis());
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        int n = in.readInt();
        writes = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            writes.put(in.readString(), new Written(in.readByteArray(), in.readLong()));
        }
    }
}
