package dev.tokenplane.store.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The backup of a {@link ShardProcessor}: for each shard entry it changed, the new {@link PackedState} of each bucket
 * it wrote (null for a removal), and nothing about the others. It runs no bucket logic, so a backup holds exactly what
 * the owner decided; an entry left without buckets is removed, as on the owner.
 */
final class ShardBackup implements EntryProcessor<ShardKey, BucketShard, Object>, IdentifiedDataSerializable {

    private Map<ShardKey, Map<String, byte[]>> writes;

    ShardBackup() {}

    ShardBackup(Map<ShardKey, Map<String, byte[]>> writes) {
        this.writes = writes;
    }

    @Override
    public Object process(Map.Entry<ShardKey, BucketShard> entry) {
        Map<String, byte[]> mine = writes.get(entry.getKey());
        if (mine == null) {
            return null;
        }
        BucketShard shard = entry.getValue() == null ? new BucketShard() : entry.getValue();
        mine.forEach((key, state) -> shard.set(key, state == null ? null : PackedState.decode(state)));
        entry.setValue(shard.isEmpty() ? null : shard);
        return null;
    }

    @Override
    public int getFactoryId() {
        return StoreDataSerializableFactory.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return StoreDataSerializableFactory.SHARD_BACKUP;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeInt(writes.size());
        for (Map.Entry<ShardKey, Map<String, byte[]>> shard : writes.entrySet()) {
            shard.getKey().writeData(out);
            out.writeInt(shard.getValue().size());
            for (Map.Entry<String, byte[]> w : shard.getValue().entrySet()) {
                out.writeString(w.getKey());
                out.writeByteArray(w.getValue());
            }
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        int shards = in.readInt();
        writes = new HashMap<>(shards * 2);
        for (int s = 0; s < shards; s++) {
            ShardKey key = new ShardKey();
            key.readData(in);
            int n = in.readInt();
            Map<String, byte[]> mine = new HashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                mine.put(in.readString(), in.readByteArray());
            }
            writes.put(key, mine);
        }
    }
}
