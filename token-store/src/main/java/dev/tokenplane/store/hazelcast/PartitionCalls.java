package dev.tokenplane.store.hazelcast;

import com.hazelcast.internal.partition.IPartitionService;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.impl.MapEntries;
import com.hazelcast.map.impl.MapService;
import com.hazelcast.map.impl.proxy.MapProxyImpl;
import com.hazelcast.partition.PartitioningStrategy;
import com.hazelcast.spi.impl.NodeEngine;
import com.hazelcast.spi.impl.operationservice.OperationService;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Multi-key calls on a member: one call per owning member, carrying for each partition only its keys and a processor
 * for them ({@link PartitionBatchFactory}). This goes below {@code IMap.submitToKeys} (Hazelcast 5.6 internals, pinned by
 * the build) for three reasons measured on one member: {@code submitToKeys} hands every key to every partition's
 * operation, backs each partition up with every key, and completes through the JDK's common pool.
 */
final class PartitionCalls {

    private final String mapName;
    /** The map's key partitioning, so a key lands where single-key operations send it. */
    private final PartitioningStrategy<?> partitioning;
    private final SerializationService serialization;
    private final IPartitionService partitions;
    private final OperationService operations;

    PartitionCalls(MapProxyImpl<?, ?> proxy) {
        NodeEngine nodeEngine = proxy.getNodeEngine();
        this.mapName = proxy.getName();
        this.partitioning = proxy.getPartitionStrategy();
        this.serialization = nodeEngine.getSerializationService();
        this.partitions = nodeEngine.getPartitionService();
        this.operations = nodeEngine.getOperationService();
    }

    /**
     * Runs, on each key's owner, the processor that {@code processorFor} builds for the keys of that key's partition.
     * The future completes on a Hazelcast thread with the raw responses; {@link #results} decodes them.
     */
    CompletableFuture<Map<Integer, Object>> invoke(Collection<String> keys,
                                                  Function<List<String>, EntryProcessor<?, ?, ?>> processorFor) {
        Map<Integer, List<String>> names = new HashMap<>();
        Map<Integer, Set<Data>> data = new HashMap<>();
        for (String key : keys) {
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
        for (Map.Entry<Integer, List<String>> e : names.entrySet()) {
            ids[i] = e.getKey();
            keySets[i] = data.get(e.getKey());
            processors[i] = processorFor.apply(e.getValue());
            partitionList.add(e.getKey());
            i++;
        }
        PartitionBatchFactory factory = new PartitionBatchFactory(mapName, ids, keySets, processors);
        return operations.invokeOnPartitionsAsync(MapService.SERVICE_NAME, factory, partitionList);
    }

    /** Each key's answer, deserialized. */
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
}
