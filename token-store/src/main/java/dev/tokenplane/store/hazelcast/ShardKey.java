package dev.tokenplane.store.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.partition.PartitionAware;
import java.io.IOException;

/**
 * The key of one entry of a sharded bucket map ({@link ShardedHazelcastBucketStore}): shard {@code shard} of a partition.
 * Hazelcast places it by its {@link #getPartitionKey() anchor}, an integer chosen so that it hashes to that partition,
 * so the entry lives in the same partition as the bucket keys it holds.
 */
final class ShardKey implements PartitionAware<Integer>, IdentifiedDataSerializable {

    private int anchor;
    private int shard;

    ShardKey() {}

    ShardKey(int anchor, int shard) {
        this.anchor = anchor;
        this.shard = shard;
    }

    int shard() {
        return shard;
    }

    @Override
    public Integer getPartitionKey() {
        return anchor;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShardKey k && k.anchor == anchor && k.shard == shard;
    }

    @Override
    public int hashCode() {
        return anchor * 31 + shard;
    }

    @Override
    public String toString() {
        return "shard " + shard + " of anchor " + anchor;
    }

    @Override
    public int getFactoryId() {
        return StoreDataSerializableFactory.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return StoreDataSerializableFactory.SHARD_KEY;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeInt(anchor);
        out.writeInt(shard);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        anchor = in.readInt();
        shard = in.readInt();
    }
}
