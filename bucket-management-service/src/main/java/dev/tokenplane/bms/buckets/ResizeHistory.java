package dev.tokenplane.bms.buckets;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.partition.PartitionService;
import dev.tokenplane.bms.cluster.Completions;
import dev.tokenplane.bms.config.ConfigCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
    /** "TH", tokenplane history; unique among the factories of a member. */
    static final int FACTORY_ID = 0x5448;

    static final int APPEND_EACH = 1;

    /** One resize. {@code reason} is short and human (for example "grow: demand 0.93 > 0.8"). */
    public record Resize(long at, long capacity, double refillPerSecond, String reason) {}

    /** A bucket's history: the latest resizes, oldest first. */
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

    public ResizeHistory(HazelcastInstance hazelcast) {
        this.map = hazelcast.getMap(MAP);
        this.partitions = hazelcast.getPartitionService();
    }

    /**
     * Adds the map ({@code maxIdleSeconds}: histories of buckets unused that long go away) and the factory of its
     * processor to a member's configuration, before the member starts.
     */
    public static void configure(Config config, int maxIdleSeconds) {
        config.addMapConfig(new MapConfig(MAP).setBackupCount(1).setMaxIdleSeconds(maxIdleSeconds));
        config.getSerializationConfig()
                .addDataSerializableFactory(FACTORY_ID, classId -> classId == APPEND_EACH ? new AppendEach() : null);
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
            calls.add(Completions.on(map.submitToKeys(mine.keySet(), new AppendEach(mine))));
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
    }

    /** The history of {@code key}, if it was ever resized. */
    public CompletionStage<Optional<History>> get(String key) {
        return Completions.on(map.getAsync(key))
                .thenApply(json -> Optional.ofNullable(json).map(j -> ConfigCodec.read(j, History.class)));
    }

    /** Appends to each key its own resize (JSON, by key). */
    static final class AppendEach implements EntryProcessor<String, String, Void>, IdentifiedDataSerializable {
        private Map<String, String> resizes;

        AppendEach() {}

        AppendEach(Map<String, String> resizes) {
            this.resizes = resizes;
        }

        @Override
        public Void process(Map.Entry<String, String> entry) {
            append(entry, resizes.get(entry.getKey()));
            return null;
        }

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return APPEND_EACH;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeInt(resizes.size());
            for (Map.Entry<String, String> e : resizes.entrySet()) {
                out.writeString(e.getKey());
                out.writeString(e.getValue());
            }
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            int n = in.readInt();
            resizes = new HashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                resizes.put(in.readString(), in.readString());
            }
        }
    }

    private static void append(Map.Entry<String, String> entry, String resize) {
        History current = entry.getValue() == null ? null : ConfigCodec.read(entry.getValue(), History.class);
        entry.setValue(ConfigCodec.write(History.append(current, ConfigCodec.read(resize, Resize.class), KEEP)));
    }
}
