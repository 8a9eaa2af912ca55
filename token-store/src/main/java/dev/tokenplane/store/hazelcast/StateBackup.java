package dev.tokenplane.store.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.Map;

/**
 * The backup of a single-key operation, after Bucket4j's {@code SimpleBackupProcessor}: it copies the state the owner
 * wrote (or removes the entry), with the same per-entry TTL, and runs no bucket logic.
 */
final class StateBackup<R> implements EntryProcessor<String, byte[], R>, IdentifiedDataSerializable {

    private byte[] state;
    private long ttlMillis;

    StateBackup() {
    }

    StateBackup(byte[] state, long ttlMillis) {
        this.state = state;
        this.ttlMillis = ttlMillis;
    }

    @Override
    public R process(Map.Entry<String, byte[]> entry) {
        BucketProcessor.store(entry, state, ttlMillis);
        return null;
    }

    @Override
    public int getFactoryId() {
        return StoreDataSerializableFactory.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return StoreDataSerializableFactory.STATE_BACKUP;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeByteArray(state);
        out.writeLong(ttlMillis);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        state = in.readByteArray();
        ttlMillis = in.readLong();
    }
}
