package dev.tokenplane.bms.transfer;

import dev.tokenplane.bms.config.OverrideRegistry;
import dev.tokenplane.bms.config.RuleRegistry;
import dev.tokenplane.bms.rules.BucketOverride;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.RuleIndex;
import dev.tokenplane.bms.rules.StoreKey;
import dev.tokenplane.transfer.PoolSettings;
import dev.tokenplane.transfer.SettingsLayer;
import dev.tokenplane.transfer.TransferSettings;
import dev.tokenplane.transfer.TransferSettingsLookup;

import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A bucket's transfer settings from this member's local copies: its override (when it holds), its rule and its
 * pool's run-time settings, resolved by {@link TransferSettings#resolve}. No remote call, so it can run on every
 * decision; every write an operator makes applies to the next one.
 *
 * <ul>
 *   <li>The pool is the override's when it names one, else the rule's. The region is the override's when it names
 *       one; else, for a server bucket ({@code server/<serverId>}), the region of that server's agent's latest report
 *       that named one; else the rule's. So the buckets of one {@code server/*} rule sit in their servers' regions,
 *       and transfers prefer lenders of the borrower's region.</li>
 *   <li>The rule is the one the bucket's store key names ({@link StoreKey}); for a bucket from before scoping, the
 *       one that last served it on this member (decisions and the tick tell it here), else the one its key matches
 *       now.</li>
 *   <li>The override is the one of the caller's key: it applies to every bucket of that key.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
final class BucketTransferSettings implements TransferSettingsLookup {

    /** Keys whose rule is remembered; past it the memory starts over (the rule index has the same bound). */
    private static final int REMEMBERED_LIMIT = 100_000;
    /** The key prefix of server buckets, whose region their agent reports. */
    private static final String SERVER_PREFIX = "server/";

    private final RuleRegistry rules;
    private final OverrideRegistry overrides;
    private final PoolSettings pools;
    private final InstantSource clock;
    private final Function<String, String> agentRegion;
    private final ConcurrentHashMap<String, String> ruleOfKey = new ConcurrentHashMap<>();

    /**
     * @param agentRegion the region of a server's agent's latest report that named one, by server id, or null
     */
    BucketTransferSettings(RuleRegistry rules, OverrideRegistry overrides, PoolSettings pools, InstantSource clock,
                           Function<String, String> agentRegion) {
        this.rules = rules;
        this.overrides = overrides;
        this.pools = pools;
        this.clock = clock;
        this.agentRegion = agentRegion;
    }

    /** Remembers that {@code ruleId} serves {@code key}. */
    void remember(String key, String ruleId) {
        if (!ruleId.equals(ruleOfKey.get(key))) {
            if (ruleOfKey.size() >= REMEMBERED_LIMIT) {
                ruleOfKey.clear();
            }
            ruleOfKey.put(key, ruleId);
        }
    }

    @Override
    public Optional<TransferSettings> settingsFor(String key) {
        BucketOverride override = overrides.active(StoreKey.keyOf(key), clock.millis());
        BucketOverride.TransferOverride o = override == null ? null : override.transfer();
        Rule rule = ruleOf(key);
        Rule.Transfer r = rule == null ? null : rule.transfer();
        String pool = o != null && o.pool() != null ? o.pool() : r == null ? null : r.pool();
        if (pool == null) {
            return Optional.empty();
        }
        String region = o != null && o.region() != null ? o.region() : serverRegion(key);
        if (region == null && r != null) {
            region = r.region();
        }
        SettingsLayer overrideLayer = o == null ? SettingsLayer.NONE
                : new SettingsLayer(o.canBorrow(), o.canLend(), o.weight(), o.reserveFraction());
        SettingsLayer ruleLayer = r == null ? SettingsLayer.NONE
                : new SettingsLayer(r.canBorrow(), r.canLend(), r.weight(), r.reserveFraction());
        return Optional.of(pools.resolve(pool, region, overrideLayer, ruleLayer));
    }

    /** The region the agent of a server bucket reports, or null; {@code storeKey} may be scoped ({@link StoreKey}). */
    private String serverRegion(String storeKey) {
        String key = StoreKey.keyOf(storeKey);
        return key.startsWith(SERVER_PREFIX) ? agentRegion.apply(key.substring(SERVER_PREFIX.length())) : null;
    }

    private Rule ruleOf(String key) {
        if (key.indexOf(StoreKey.SEP) >= 0) { // a scoped bucket: its store key names the rule
            RuleIndex.Entry scoped = rules.index().ruleOfStoreKey(key);
            return scoped == null ? null : scoped.rule();
        }
        String id = ruleOfKey.get(key);
        Rule remembered = id == null ? null : rules.get(id);
        if (remembered != null) {
            return remembered;
        }
        RuleIndex.Entry e = rules.index().ruleOfStoreKey(key);
        return e == null ? null : e.rule();
    }
}
