package dev.tokenplane.bms.sizing;

import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.tokenplane.sizing.ForecastState;
import dev.tokenplane.sizing.SizingState;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the sizing policy remembers per bucket ({@link SizingState}: forecast, smoothed pressure, last resize and shed),
 * in the Hazelcast map {@value #MAP}. Its keys are the bucket keys, so each state lives in its bucket's partition: it
 * moves with the bucket when partitions migrate, has a backup like it, and the member that sizes a bucket reads and
 * writes its state locally. A state whose bucket is gone (evicted, removed, or no longer adaptive) is removed by the
 * next tick of the member that wrote it last ({@link #retainOnly}, from its memory of what it wrote: listing the
 * member's states would query every partition, every tick); the map's max-idle time catches anything left behind,
 * such as the state of a bucket that moved here with its partition and stopped being adaptive before this member
 * sized it.
 *
 * <p>Values are bytes, so the map needs no serializer configuration: a fixed 53-byte encoding (version 1), and for a
 * seasonal forecast the same followed by the number of seasonal slots and their indices (version 2; a state without
 * a season is still written as version 1, so members of the previous release read it during a rolling upgrade). Thread-safe; the methods block
 * (call them from the sizing worker, never an event loop).
 */
public final class SizingStates {
    public static final String MAP = "tp.sizing";
    /** States not written for an hour go away (a running loop writes every state each tick). */
    static final int MAX_IDLE_SECONDS = 3600;

    private static final byte VERSION = 1;
    private static final byte VERSION_SEASONAL = 2;
    private static final int SIZE = 1 + 3 * Double.BYTES + Integer.BYTES + 3 * Long.BYTES;

    private final IMap<String, byte[]> map;
    /** The keys this member kept at its last {@link #retainOnly}: the states it wrote (the sizing tick's thread). */
    private Set<String> written = Set.of();

    public SizingStates(HazelcastInstance hazelcast) {
        this.map = hazelcast.getMap(MAP);
    }

    /** The configuration of {@value #MAP}; add it to the member's config before it starts. */
    public static MapConfig mapConfig() {
        return new MapConfig(MAP).setBackupCount(1).setMaxIdleSeconds(MAX_IDLE_SECONDS);
    }

    /** The stored states of {@code keys}; a key without one is left out. One call per partition. */
    Map<String, SizingState> load(Collection<String> keys) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        Map<String, byte[]> stored = map.getAll(keys instanceof Set<String> set ? set : new HashSet<>(keys));
        Map<String, SizingState> states = new HashMap<>(stored.size() * 2);
        stored.forEach((key, bytes) -> {
            SizingState s = decode(bytes);
            if (s != null) {
                states.put(key, s);
            }
        });
        return states;
    }

    /** Stores {@code states}, one call per partition. */
    void save(Map<String, SizingState> states) {
        if (states.isEmpty()) {
            return;
        }
        Map<String, byte[]> encoded = new HashMap<>(states.size() * 2);
        states.forEach((key, state) -> encoded.put(key, encode(state)));
        map.setAll(encoded);
    }

    /**
     * Removes the states this member kept at its previous call (those its ticks wrote) whose keys are not in
     * {@code keep}, the states this tick wrote; answers how many.
     */
    int retainOnly(Set<String> keep) {
        int removed = 0;
        for (String key : written) {
            if (!keep.contains(key)) {
                map.delete(key);
                removed++;
            }
        }
        written = Set.copyOf(keep);
        return removed;
    }

    static byte[] encode(SizingState s) {
        ForecastState f = s.forecast();
        int slots = f.seasonSlots();
        ByteBuffer b = ByteBuffer.allocate(slots == 0 ? SIZE : SIZE + Integer.BYTES + slots * Double.BYTES)
                .put(slots == 0 ? VERSION : VERSION_SEASONAL)
                .putDouble(f.level())
                .putDouble(f.trend())
                .putInt(f.observations())
                .putDouble(s.pressure())
                .putLong(s.pressureSampleAtMillis())
                .putLong(s.lastResizeAtMillis())
                .putLong(s.lastShedAtMillis());
        if (slots > 0) {
            b.putInt(slots);
            for (double index : f.season()) {
                b.putDouble(index);
            }
        }
        return b.array();
    }

    /** The state in {@code bytes}, or null for an encoding this version does not know (the bucket starts afresh). */
    static SizingState decode(byte[] bytes) {
        if (bytes == null
                || bytes.length < SIZE
                || !(bytes[0] == VERSION
                        ? bytes.length == SIZE
                        : bytes[0] == VERSION_SEASONAL && bytes.length >= SIZE + Integer.BYTES)) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
        double level = b.getDouble();
        double trend = b.getDouble();
        int observations = b.getInt();
        double pressure = b.getDouble();
        long sampleAt = b.getLong();
        long resizedAt = b.getLong();
        long shedAt = b.getLong();
        double[] season = new double[0];
        if (bytes[0] == VERSION_SEASONAL) {
            int slots = b.getInt();
            if (slots < 1 || b.remaining() != (long) slots * Double.BYTES) {
                return null;
            }
            season = new double[slots];
            b.asDoubleBuffer().get(season);
        }
        return new SizingState(
                new ForecastState(level, trend, observations, season), pressure, sampleAt, resizedAt, shedAt);
    }
}
