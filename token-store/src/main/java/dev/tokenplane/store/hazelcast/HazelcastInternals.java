package dev.tokenplane.store.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.nio.IOUtil;
import com.hazelcast.internal.partition.IPartitionService;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.util.ThreadUtil;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.map.impl.MapEntries;
import com.hazelcast.map.impl.MapService;
import com.hazelcast.map.impl.operation.MultipleEntryOperation;
import com.hazelcast.map.impl.proxy.MapProxyImpl;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.partition.PartitioningStrategy;
import com.hazelcast.spi.impl.NodeEngine;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import com.hazelcast.spi.impl.operationservice.Operation;
import com.hazelcast.spi.impl.operationservice.OperationService;
import com.hazelcast.spi.impl.operationservice.impl.operations.PartitionAwareOperationFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Every use of Hazelcast's internal API in tokenplane, in one place (an ArchUnit rule keeps it so). They are pinned to
 * the Hazelcast version of the build: an upgrade that changes one of them fails to compile here and nowhere else.
 *
 * <p>Why below the public API, measured on one member:
 * <ul>
 *   <li>Single-key calls: {@code IMap.submitToKey} wraps the invocation in a future that hands every result to the
 *       JDK's common pool (see {@link RuntimeTuning}); {@link #executeOnKey} returns the invocation future itself, and
 *       the store deserializes the answer on its own completion executor.</li>
 *   <li>Multi-key calls: {@code IMap.submitToKeys} hands every key to every partition's operation (quadratic in the
 *       batch size) and backs each partition up with every key; {@link #invokeOnPartitions} sends one call per owning
 *       member carrying, for each partition, only its keys and a processor for them ({@link PartitionBatchFactory}).</li>
 *   <li>Which thread runs a continuation: {@link #isPartitionThread()} asks Hazelcast rather than matching thread
 *       names.</li>
 *   <li>Compact schemas replicated at start ({@link #replicateSchemas}): the public API has no call that registers a
 *       schema, only the serialization of a value, which the serialization service does without a map.</li>
 * </ul>
 * A store on a Hazelcast client ({@code BMS_HAZELCAST_MODE=client}) has no member proxy and takes the public API
 * instead; the store contract suite runs on both (ClientHazelcastBucketStoreTest).
 */
final class HazelcastInternals {

    private final MapProxyImpl<?, ?> proxy;
    /** The map's key partitioning, so a key lands where single-key operations send it. */
    private final PartitioningStrategy<?> partitioning;

    private final SerializationService serialization;
    private final IPartitionService partitions;
    private final OperationService operations;

    private HazelcastInternals(MapProxyImpl<?, ?> proxy) {
        NodeEngine nodeEngine = proxy.getNodeEngine();
        this.proxy = proxy;
        this.partitioning = proxy.getPartitionStrategy();
        this.serialization = nodeEngine.getSerializationService();
        this.partitions = nodeEngine.getPartitionService();
        this.operations = nodeEngine.getOperationService();
    }

    /** The internals of {@code map} if it is a member's map; empty for a client's proxy, which has none. */
    static Optional<HazelcastInternals> ofMember(IMap<?, ?> map) {
        return map instanceof MapProxyImpl<?, ?> member
                ? Optional.of(new HazelcastInternals(member))
                : Optional.empty();
    }

    /**
     * Whether the current thread is one of Hazelcast's partition threads, which may call only their own partition
     * ({@code IllegalThreadStateException: cannot make remote call} otherwise).
     */
    static boolean isPartitionThread() {
        return ThreadUtil.isRunningOnPartitionThread();
    }

    /**
     * Serializes each of {@code samples} once, on the calling thread: that replicates their Compact schemas across
     * the cluster now. Otherwise a member or a client replicates a schema the first time it serializes a value of its
     * type, on whichever thread does so, and blocks that thread until the cluster has acknowledged.
     */
    static void replicateSchemas(HazelcastInstance instance, Collection<?> samples) {
        SerializationService serialization = ((SerializationServiceSupport) instance).getSerializationService();
        samples.forEach(serialization::toData);
    }

    /**
     * Runs {@code processor} on {@code key}'s owner. The future completes on a Hazelcast thread with the answer still
     * serialized; {@link #decode} turns it into the processor's result.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    CompletableFuture<?> executeOnKey(Object key, EntryProcessor<?, ?, ?> processor) {
        return ((MapProxyImpl) proxy).executeOnKeyInternal(key, processor);
    }

    /** The partition that {@code key} of this map lives in, as its single-key operations find it. */
    int partitionOf(Object key) {
        return partitions.getPartitionId(serialization.toData(key, partitioning));
    }

    /** The object a serialized answer of {@link #executeOnKey} stands for. */
    <T> T decode(Object serialized) {
        return serialization.toObject(serialized);
    }

    /**
     * Runs, on each key's owner, the processor that {@code processorFor} builds for the keys of that key's partition.
     * The future completes on a Hazelcast thread with the raw responses; {@link #results} decodes them.
     */
    <K> CompletableFuture<Map<Integer, Object>> invokeOnPartitions(
            Collection<K> keys, Function<List<K>, EntryProcessor<?, ?, ?>> processorFor) {
        Map<Integer, List<K>> names = new HashMap<>();
        Map<Integer, Set<Data>> data = new HashMap<>();
        for (K key : keys) {
            Data dataKey = serialization.toData(key, partitioning);
            int partition = partitions.getPartitionId(dataKey);
            names.computeIfAbsent(partition, p -> new ArrayList<>(2)).add(key);
            data.computeIfAbsent(partition, p -> new LinkedHashSet<>(4)).add(dataKey);
        }
        int n = names.size();
        int[] ids = new int[n];
        @SuppressWarnings("unchecked")
        Set<Data>[] keySets = new Set[n];
        EntryProcessor<?, ?, ?>[] processors = new EntryProcessor[n];
        List<Integer> partitionList = new ArrayList<>(n);
        int i = 0;
        for (Map.Entry<Integer, List<K>> e : names.entrySet()) {
            ids[i] = e.getKey();
            keySets[i] = data.get(e.getKey());
            processors[i] = processorFor.apply(e.getValue());
            partitionList.add(e.getKey());
            i++;
        }
        PartitionBatchFactory factory = new PartitionBatchFactory(proxy.getName(), ids, keySets, processors);
        return operations.invokeOnPartitionsAsync(MapService.SERVICE_NAME, factory, partitionList);
    }

    /** Each key's answer to {@link #invokeOnPartitions}, deserialized. */
    @SuppressWarnings("unchecked")
    <R> Map<String, R> results(Map<Integer, Object> responses) {
        Map<String, R> results = new HashMap<>();
        for (Object response : responses.values()) {
            MapEntries entries = response instanceof Data d ? serialization.toObject(d) : (MapEntries) response;
            for (int k = 0; k < entries.size(); k++) {
                results.put(serialization.toObject(entries.getKey(k)), (R) serialization.toObject(entries.getValue(k)));
            }
        }
        return results;
    }

    /** Each key's answer to {@link #invokeOnPartitions}, deserialized, without its key. */
    <R> List<R> values(Map<Integer, Object> responses) {
        List<R> values = new ArrayList<>();
        for (Object response : responses.values()) {
            MapEntries entries = response instanceof Data d ? serialization.toObject(d) : (MapEntries) response;
            for (int k = 0; k < entries.size(); k++) {
                values.add(serialization.toObject(entries.getValue(k)));
            }
        }
        return values;
    }

    /**
     * One multi-key call in which each partition gets only its own keys and a processor for just those keys, sent once
     * per member like Hazelcast's own {@code putAll}. Each partition runs a {@link MultipleEntryOperation}, so
     * locking, backups and statistics are Hazelcast's.
     */
    static final class PartitionBatchFactory extends PartitionAwareOperationFactory
            implements IdentifiedDataSerializable {

        private String mapName;
        private Set<Data>[] keys;
        private EntryProcessor<?, ?, ?>[] processors;

        PartitionBatchFactory() {}

        PartitionBatchFactory(
                String mapName, int[] partitions, Set<Data>[] keys, EntryProcessor<?, ?, ?>[] processors) {
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
}
