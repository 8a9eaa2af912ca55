package dev.tokenplane.bms.transfer;

import dev.tokenplane.bms.config.ConfigCodec;
import dev.tokenplane.bms.config.ConfigRecord;
import dev.tokenplane.bms.config.ConfigWrite;
import dev.tokenplane.bms.config.ReplicatedConfig;
import dev.tokenplane.transfer.PoolSettings;
import dev.tokenplane.transfer.SettingsLayer;
import dev.tokenplane.transfer.breaker.BreakerTuning;
import dev.tokenplane.transfer.pool.BorrowBudget;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operators' run-time settings per pool, replicated and persisted like rules and overrides (the map
 * {@code tp.pool-settings} and this member's {@code config.db}), with a decoded local copy in {@link PoolSettings} that
 * the decision path reads without a remote call. A write applies on this member at once and on the others through the
 * map's events, so it takes effect at the next transfer decision, without a restart.
 *
 * <p>Thread-safe.
 */
public final class PoolSettingsRegistry {

    /**
     * One pool's stored settings; a null field is not set at the pool level.
     *
     * @param breaker      the pool's breaker thresholds, or null for the member's
     * @param borrowBudget the pool's borrow budget, or null for the member's
     * @param version      grows with each write of this pool's settings
     * @param updatedAt    epoch millis of the last write
     */
    public record Stored(
            String pool,
            Boolean canBorrow,
            Boolean canLend,
            Double weight,
            Double reserveFraction,
            BreakerTuning breaker,
            BorrowBudget borrowBudget,
            long version,
            long updatedAt) {

        SettingsLayer layer() {
            return new SettingsLayer(canBorrow, canLend, weight, reserveFraction);
        }

        /** The thresholds, {@link BreakerTuning#NONE} when none are set (also for records from before they were). */
        BreakerTuning breakerOrNone() {
            return breaker == null ? BreakerTuning.NONE : breaker;
        }

        BorrowBudget borrowBudgetOrNone() {
            return borrowBudget == null ? BorrowBudget.NONE : borrowBudget;
        }

        static Stored of(String pool, SettingsLayer layer, BreakerTuning breaker, BorrowBudget borrowBudget) {
            return new Stored(
                    pool,
                    layer.canBorrow(),
                    layer.canLend(),
                    layer.weight(),
                    layer.reserveFraction(),
                    breaker,
                    borrowBudget,
                    0,
                    0);
        }
    }

    private final ReplicatedConfig config;
    private final PoolSettings settings = new PoolSettings();
    private final ConcurrentHashMap<String, Stored> live = new ConcurrentHashMap<>();

    public PoolSettingsRegistry(ReplicatedConfig config) {
        this.config = config;
        config.onChange(r -> {
            // Apply the latest state of the pool, whatever the order of the callbacks.
            ConfigRecord current = config.live(r.id());
            if (current == null) {
                live.remove(r.id());
                settings.set(r.id(), SettingsLayer.NONE);
            } else {
                Stored s = decode(current);
                live.put(r.id(), s);
                settings.set(r.id(), s.layer());
            }
        });
    }

    /** The settings by pool, as the transfer protocol resolves them. */
    public PoolSettings settings() {
        return settings;
    }

    /** The stored settings of {@code pool}, or null. */
    public Stored get(String pool) {
        return live.get(pool);
    }

    /** Every pool with stored settings. */
    public Collection<Stored> all() {
        return List.copyOf(live.values());
    }

    /** The breaker thresholds of {@code pool}, {@link BreakerTuning#NONE} when none are set. Local, fast. */
    public BreakerTuning breakerTuning(String pool) {
        Stored s = live.get(pool);
        return s == null ? BreakerTuning.NONE : s.breakerOrNone();
    }

    /** The borrow budget of {@code pool}, {@link BorrowBudget#NONE} when none is set. Local, fast. */
    public BorrowBudget borrowBudget(String pool) {
        Stored s = live.get(pool);
        return s == null ? BorrowBudget.NONE : s.borrowBudgetOrNone();
    }

    /**
     * Creates or replaces the settings of {@code pool}.
     *
     * @param breaker      its breaker thresholds, or null for the member's
     * @param borrowBudget its borrow budget, or null for the member's
     */
    public CompletionStage<ConfigWrite> put(
            String pool, SettingsLayer layer, BreakerTuning breaker, BorrowBudget borrowBudget, long nowMillis) {
        return config.write(
                pool,
                ConfigCodec.write(Stored.of(pool, layer, breaker, borrowBudget)),
                ReplicatedConfig.ANY_VERSION,
                false,
                nowMillis);
    }

    /** Removes the settings of {@code pool}, leaving a tombstone. */
    public CompletionStage<ConfigWrite> delete(String pool, long nowMillis) {
        return config.write(pool, null, ReplicatedConfig.ANY_VERSION, false, nowMillis);
    }

    /** Writes a changed record to this member's disk. Blocks: call it on a worker. */
    public void persist(ConfigRecord record) {
        config.persist(record);
    }

    /** The settings a live record holds, with the record's version and time. */
    public static Stored decode(ConfigRecord r) {
        Stored s = ConfigCodec.read(r.body(), Stored.class);
        return new Stored(
                r.id(),
                s.canBorrow(),
                s.canLend(),
                s.weight(),
                s.reserveFraction(),
                s.breaker(),
                s.borrowBudget(),
                r.version(),
                r.updatedAt());
    }

    /**
     * Makes an acknowledged write durable on this member, or rolls it back and fails with
     * {@link ReplicatedConfig.NotDurableException}. Blocks: call it on a worker.
     */
    public void durable(ConfigWrite write) {
        config.durable(write);
    }
}
