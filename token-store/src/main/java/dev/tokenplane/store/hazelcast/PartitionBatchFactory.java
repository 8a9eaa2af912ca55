package dev.tokenplane.store.hazelcast;

import com.hazelcast.internal.nio.IOUtil;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.impl.operation.MultipleEntryOperation;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.impl.operationservice.Operation;
import com.hazelcast.spi.impl.operationservice.impl.operations.PartitionAwareOperationFactory;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One multi-key call in which each partition gets only its own keys and a processor for just those keys. Hazelcast's
 * {@code submitToKeys} gives every partition's operation the whole key set and makes it filter (quadratic in the batch
 * size) and backs every partition up with the whole key set; this factory, sent once per member like Hazelcast's own
 * {@code putAll}, avoids both. Each partition runs a {@link MultipleEntryOperation}, so locking, backups and statistics
 * are Hazelcast's.
 */
final class PartitionBatchFactory extends PartitionAwareOperationFactory
        implements com.hazelcast.nio.serialization.IdentifiedDataSerializable {

    private String mapName;
    private Set<Data>[] keys;
    private EntryProcessor<?, ?, ?>[] processors;

    PartitionBatchFactory() {
    }

    PartitionBatchFactory(String mapName, int[] partitions, Set<Data>[] keys, EntryProcessor<?, ?, ?>[] processors) {
        this.mapName = mapName;
        this.partitions = partitions;
        this.keys = keys;
        this.processors = processors;
    }

    @Override
    public Operation createPartitionOperation(int partitionId) {
        for (int i = 0; i < partitions.length; i++) {
            if (partitions[i] == partitionId) {
                return new MultipleEntryOperation(mapName, keys[i], processors[i]);
            }
        }
        throw new IllegalArgumentException("partition " + partitionId + " is not part of this batch");
    }

    @Override
    public int getFactoryId() {
        return StoreDataSerializableFactory.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return StoreDataSerializableFactory.PARTITION_BATCH;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(mapName);
        out.writeIntArray(partitions);
        for (int i = 0; i < partitions.length; i++) {
            out.writeInt(keys[i].size());
            for (Data key : keys[i]) {
                IOUtil.writeData(out, key);
            }
            out.writeObject(processors[i]);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void readData(ObjectDataInput in) throws IOException {
        mapName = in.readString();
        partitions = in.readIntArray();
        keys = new Set[partitions.length];
        processors = new EntryProcessor[partitions.length];
        for (int i = 0; i < partitions.length; i++) {
            int n = in.readInt();
            Set<Data> set = new LinkedHashSet<>(n * 2);
            for (int k = 0; k < n; k++) {
                set.add(IOUtil.readData(in));
            }
            keys[i] = set;
            processors[i] = in.readObject();
        }
    }
}
