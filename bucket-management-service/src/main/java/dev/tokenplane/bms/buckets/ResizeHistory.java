package dev.tokenplane.bms.buckets;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.partition.PartitionService;
import dev.tokenplane.bms.cluster.Completions;
import dev.tokenplane.bms.config.ConfigCodec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The bounded resize history of each bucket, shown by {@code GET /v1/buckets/{key}}: the sizing loop records every
 * resize here. Kept in a Hazelcast map ({@value #MAP}) so that any member can show it; entries go away after the map's
 * max-idle time, like the buckets themselves.
 *
 * <p>Thread-safe.
 */
public final class ResizeHistory {
    public static final String MAP = "tp.history";
    /** How many resizes are kept per bucket. */
    public static final int KEEP = 20;

    /** One resize. {@code reason} is short and human (for example "grow: demand 0.93 > 0.8"). */
    @JsonPropertyOrder({"at", "capacity", "refillPerSecond", "reason"})
    public record Resize(long at, long capacity, double refillPerSecond, String reason) {
    }

    /** A bucket's history: the latest resizes, oldest first. */
    @JsonPropertyOrder({"lastResizedAt", "history"})
    public record History(long lastResizedAt, List<Resize> history) {
        static History append(History current, Resize resize, int keep) {
            List<Resize> list = new ArrayList<>(current == null ? List.of() : current.history());
            list.add(resize);
            while (list.size() > keep) {
                list.remove(0);
            }
            long last = current == null ? resize.at() : Math.max(current.lastResizedAt(), resize.at());
            return new History(last, List.copyOf(list));
        }
    }

    private final IMap<String, String> map;
    private final PartitionService partitions;
    private final Executor callbacks;

    public ResizeHistory(HazelcastInstance hazelcast, Executor callbacks) {
        this.map = hazelcast.getMap(MAP);
        this.partitions = hazelcast.getPartitionService();
        this.callbacks = callbacks;
    }

    /** Records one resize of {@code key}, on the key's owner. */
    public CompletionStage<Void> record(String key, Resize resize) {
        return recordAll(Map.of(key, resize));
    }

    /**
     * Records one resize of each key of {@code resizes} (the sizing loop records a tick's resizes together), each on
     * its key's owner, in one call per partition: each call carries only its partition's resizes, and so does its
     * backup.
     */
    public CompletionStage<Void> recordAll(Map<String, Resize> resizes) {
        Map<Integer, HashMap<String, String>> byPartition = new HashMap<>();
        resizes.forEach((key, resize) -> byPartition
                .computeIfAbsent(partitions.getPartition(key).getPartitionId(), p -> new HashMap<>())
                .put(key, ConfigCodec.write(resize)));
        List<CompletableFuture<Map<String, Void>>> calls = new ArrayList<>(byPartition.size());
        for (HashMap<String, String> mine : byPartition.values()) {
            calls.add(Completions.on(map.submitToKeys(mine.keySet(), new AppendEach(mine)), callbacks));
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
    }

    /** The history of {@code key}, if it was ever resized. */
    public CompletionStage<Optional<History>> get(String key) {
        return Completions.on(map.getAsync(key), callbacks)
                .thenApply(json -> Optional.ofNullable(json).map(j -> ConfigCodec.read(j, History.class)));
    }

    /** Appends to each key its own resize. */
    record AppendEach(HashMap<String, String> resizes) implements EntryProcessor<String, String, Void> {
        @Override
        public Void process(Map.Entry<String, String> entry) {
            append(entry, resizes.get(entry.getKey()));
            return null;
        }
    }

    private static void append(Map.Entry<String, String> entry, String resize) {
        History current = entry.getValue() == null ? null : ConfigCodec.read(entry.getValue(), History.class);
        entry.setValue(ConfigCodec.write(History.append(current, ConfigCodec.read(resize, Resize.class), KEEP)));
    }
}
