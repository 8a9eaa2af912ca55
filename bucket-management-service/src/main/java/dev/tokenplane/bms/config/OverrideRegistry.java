package dev.tokenplane.bms.config;

import dev.tokenplane.bms.rules.BucketOverride;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Operators' overrides of single buckets, replicated and persisted, with a decoded local copy for the decision path and
 * the sizing loop (no remote call to ask whether a key is pinned).
 *
 * <p>Thread-safe.
 */
public final class OverrideRegistry {
    private final ReplicatedConfig config;
    private final ConcurrentHashMap<String, BucketOverride> live = new ConcurrentHashMap<>();

    public OverrideRegistry(ReplicatedConfig config) {
        this.config = config;
        config.onChange(r -> {
            // Apply the latest state of the key, whatever the order of the callbacks.
            ConfigRecord current = config.live(r.id());
            if (current == null) {
                live.remove(r.id());
            } else {
                live.put(r.id(), ConfigCodec.override(current));
            }
        });
    }

    /** The override of {@code key} that holds at {@code nowMillis}, or null (none, or expired). */
    public BucketOverride active(String key, long nowMillis) {
        BucketOverride o = live.get(key);
        return o != null && o.isActiveAt(nowMillis) ? o : null;
    }

    /** The stored override of {@code key}, expired or not, or null. */
    public BucketOverride stored(String key) {
        return live.get(key);
    }

    /**
     * Whether an override pins {@code key} at {@code nowMillis}: the sizing loop must then leave the bucket alone.
     */
    public boolean isPinned(String key, long nowMillis) {
        return active(key, nowMillis) != null;
    }

    /** Every stored override (expired ones included). */
    public Collection<BucketOverride> all() {
        return List.copyOf(live.values());
    }

    /** Creates or replaces the override of {@code override.key()}. */
    public CompletionStage<ConfigWrite> put(BucketOverride override, long nowMillis) {
        return config.write(
                override.key(),
                ConfigCodec.write(override.withVersion(0, 0)),
                ReplicatedConfig.ANY_VERSION,
                false,
                nowMillis);
    }

    /** Removes the override of {@code key}, leaving a tombstone. */
    public CompletionStage<ConfigWrite> delete(String key, long nowMillis) {
        return config.write(key, null, ReplicatedConfig.ANY_VERSION, false, nowMillis);
    }

    /** Writes a changed record to this member's disk. Blocks: call it on a worker. */
    public void persist(ConfigRecord record) {
        config.persist(record);
    }

    /**
     * Makes an acknowledged write durable on this member, or rolls it back and fails with
     * {@link ReplicatedConfig.NotDurableException}. Blocks: call it on a worker.
     */
    public void durable(ConfigWrite write) {
        config.durable(write);
    }
}
