package dev.tokenplane.bms.decide;

import dev.tokenplane.bms.rules.BucketOverride;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.RuleIndex;
import dev.tokenplane.bms.rules.RuleLookup;
import dev.tokenplane.bms.rules.StoreKey;
import dev.tokenplane.transfer.PoolSettings;
import dev.tokenplane.transfer.SettingsLayer;
import dev.tokenplane.transfer.TransferSettings;
import dev.tokenplane.transfer.TransferSettingsLookup;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one place that turns a bucket into everything that serves it ({@link BucketBinding}): its rule, the override
 * that holds, the effective spec and transfer settings (override over rule, then the pool's run-time level), its store
 * key and region. Decisions resolve once and pass the binding down; the sizing tick, the transfer tick and the bucket
 * reads resolve existing buckets by store key. Every answer reads this member's local copies only (no remote call),
 * so an operator's write applies to the next resolution.
 *
 * <ul>
 *   <li>The override is the one of the caller's key: it applies to every bucket of that key.</li>
 *   <li>The pool is the override's when it names one, else the rule's. The region is the override's when it names
 *       one; else, for a server bucket ({@code server/<serverId>}), the region of that server's agent's latest report
 *       that named one; else the rule's. So the buckets of one {@code server/*} rule sit in their servers' regions,
 *       and transfers prefer lenders of the borrower's region.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class BucketResolver implements TransferSettingsLookup {

    /** The override of a caller's key that holds at a moment, or null. */
    @FunctionalInterface
    public interface ActiveOverrides {
        BucketOverride active(String key, long nowMillis);
    }

    /** The key prefix of server buckets, whose region their agent reports. */
    private static final String SERVER_PREFIX = "server/";

    private final Supplier<? extends RuleLookup> rules;
    private final ActiveOverrides overrides;
    private final InstantSource clock;
    private final PoolSettings pools;
    private final Function<String, String> agentRegion;

    /**
     * @param rules       the current rules (a new index after each rule change)
     * @param pools       the pools' run-time settings
     * @param agentRegion the region of a server's agent's latest report that named one, by server id, or null
     */
    public BucketResolver(
            Supplier<? extends RuleLookup> rules,
            ActiveOverrides overrides,
            InstantSource clock,
            PoolSettings pools,
            Function<String, String> agentRegion) {
        this.rules = rules;
        this.overrides = overrides;
        this.clock = clock;
        this.pools = pools;
        this.agentRegion = agentRegion;
    }

    /** A resolver without pool settings or agents (every pool at its rules' and overrides' settings). */
    public static BucketResolver of(
            Supplier<? extends RuleLookup> rules, ActiveOverrides overrides, InstantSource clock) {
        return new BucketResolver(rules, overrides, clock, new PoolSettings(), serverId -> null);
    }

    /**
     * What serves {@code key} now for a caller with {@code clientId} and {@code tier} (each null for none), or null
     * when no rule matches.
     */
    public BucketBinding resolve(String key, String clientId, String tier) {
        RuleIndex.Served served = rules.get().served(key, clientId, tier);
        return served == null ? null : bind(served.entry(), overrides.active(key, clock.millis()), served.storeKey());
    }

    /** What serves the bucket at {@code storeKey} now, without reading it; null when it has no rule. */
    public BucketBinding ofStoreKey(String storeKey) {
        RuleIndex.Entry entry = rules.get().ruleOfStoreKey(storeKey);
        return entry == null ? null : bind(entry, overrides.active(StoreKey.keyOf(storeKey), clock.millis()), storeKey);
    }

    /**
     * What serves an existing bucket that carries {@code generation} (a bucket from before scoping is matched by its
     * generation too); null when it has no rule.
     */
    public BucketBinding ofBucket(String storeKey, long generation) {
        BucketOverride override = overrides.active(StoreKey.keyOf(storeKey), clock.millis());
        RuleIndex.Entry entry = rules.get().ruleOfBucket(storeKey, generation, override);
        return entry == null ? null : bind(entry, override, storeKey);
    }

    /** The transfer settings in force for the bucket at {@code storeKey}: the transfer protocol's lookup. */
    @Override
    public Optional<TransferSettings> settingsFor(String storeKey) {
        BucketBinding b = ofStoreKey(storeKey);
        return b == null ? Optional.empty() : Optional.ofNullable(b.pooled());
    }

    private BucketBinding bind(RuleIndex.Entry entry, BucketOverride override, String storeKey) {
        Rule.Transfer base = entry.rule().transfer();
        Rule.Transfer transfer = override == null ? base : override.overlay(base);
        return new BucketBinding(
                entry,
                override,
                entry.specWith(override),
                transfer,
                storeKey,
                pooled(storeKey, base, override == null ? null : override.transfer()));
    }

    /** The settings in force: override, then the pool's level, then the rule ({@link TransferSettings#resolve}). */
    private TransferSettings pooled(String storeKey, Rule.Transfer r, BucketOverride.TransferOverride o) {
        String pool = o != null && o.pool() != null ? o.pool() : r == null ? null : r.pool();
        if (pool == null) {
            return null;
        }
        String region = o != null && o.region() != null ? o.region() : serverRegion(storeKey);
        if (region == null && r != null) {
            region = r.region();
        }
        SettingsLayer overrideLayer = o == null
                ? SettingsLayer.NONE
                : new SettingsLayer(o.canBorrow(), o.canLend(), o.weight(), o.reserveFraction());
        SettingsLayer ruleLayer = r == null
                ? SettingsLayer.NONE
                : new SettingsLayer(r.canBorrow(), r.canLend(), r.weight(), r.reserveFraction());
        return pools.resolve(pool, region, overrideLayer, ruleLayer);
    }

    /** The region the agent of a server bucket reports, or null. */
    private String serverRegion(String storeKey) {
        String key = StoreKey.keyOf(storeKey);
        return key.startsWith(SERVER_PREFIX) ? agentRegion.apply(key.substring(SERVER_PREFIX.length())) : null;
    }
}
