package dev.tokenplane.transfer;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operators' run-time settings per pool: the pool level of {@link TransferSettings#resolve} (its {@code false}
 * switches turn borrowing or lending off for the whole pool; its weight and reserve replace the rules'). A change takes
 * effect at the next resolution, that is at the next transfer decision; nothing needs a restart.
 *
 * <p>Thread-safe. The BMS owns persistence (and, in a cluster, replication) of what is set here.
 */
public final class PoolSettings {

    private final Map<String, SettingsLayer> byPool = new ConcurrentHashMap<>();

    /** Sets (replaces) a pool's level; {@link SettingsLayer#NONE} clears it. */
    public void set(String pool, SettingsLayer level) {
        if (level == null || level.equals(SettingsLayer.NONE)) {
            byPool.remove(pool);
        } else {
            byPool.put(pool, level);
        }
    }

    /** The pool's level, or {@link SettingsLayer#NONE}. */
    public SettingsLayer get(String pool) {
        return byPool.getOrDefault(pool, SettingsLayer.NONE);
    }

    /** Every pool with a level set, by name. */
    public Map<String, SettingsLayer> all() {
        return new TreeMap<>(byPool);
    }

    /** {@link TransferSettings#resolve} with this registry's level for {@code pool}. */
    public TransferSettings resolve(String pool, String region, SettingsLayer override, SettingsLayer rule) {
        return TransferSettings.resolve(pool, region, override, rule, get(pool));
    }
}
