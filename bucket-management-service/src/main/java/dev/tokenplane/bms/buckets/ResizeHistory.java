package dev.tokenplane.bms.buckets;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.tokenplane.bms.cluster.Completions;
import dev.tokenplane.bms.config.ConfigCodec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private final Executor callbacks;

    public ResizeHistory(HazelcastInstance hazelcast, Executor callbacks) {
        this.map = hazelcast.getMap(MAP);
        this.callbacks = callbacks;
    }

    /** Records one resize of {@code key}, on the key's owner. */
    public CompletionStage<Void> record(String key, Resize resize) {
        return Completions.on(map.submitToKey(key, new Append(ConfigCodec.write(resize))), callbacks);
    }

    /** The history of {@code key}, if it was ever resized. */
    public CompletionStage<Optional<History>> get(String key) {
        return Completions.on(map.getAsync(key), callbacks)
                .thenApply(json -> Optional.ofNullable(json).map(j -> ConfigCodec.read(j, History.class)));
    }

    record Append(String resize) implements EntryProcessor<String, String, Void> {
        @Override
        public Void process(Map.Entry<String, String> entry) {
            History current = entry.getValue() == null ? null : ConfigCodec.read(entry.getValue(), History.class);
            entry.setValue(ConfigCodec.write(History.append(current, ConfigCodec.read(resize, Resize.class), KEEP)));
            return null;
        }
    }
}
