package dev.tokenplane.bms.buckets;

import dev.tokenplane.bms.rules.BucketOverride;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.StoreKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The store keys of the buckets this member owns, by the rule each key names ({@link StoreKey}): what the sizing and
 * pool ticks walk. A tick asks only for the rules it acts on (the adaptive ones, the pooled ones), so its cost follows
 * their buckets, not every bucket of the member. Answers are snapshots; a key may already be gone (the ticks read the
 * buckets and skip the missing ones), but an owned bucket of a rule asked for is never left out.
 */
public interface OwnedBuckets {
    /** The group of the store keys that name no rule (buckets from before scoping, or not a store key). */
    String UNSCOPED = "";

    /**
     * Where the groups of the caller keys begin ({@link #keyGroup}): no rule id holds a control character, so a key's
     * group is never a rule's.
     */
    String KEY_GROUP = "\u0000";

    /** The owned store keys of the buckets of rule {@code ruleId}, or of a {@link #keyGroup}. */
    Collection<String> ofRule(String ruleId);

    /**
     * The owned store keys of the buckets of caller key {@code key}, under any rule and for any client: the buckets an
     * override names. Its {@link #keyGroup} must be among the groups asked for.
     */
    default Collection<String> ofKey(String key) {
        return ofRule(keyGroup(key));
    }

    /** The owned store keys that name no rule: their rule is whatever their key matches now. */
    default Collection<String> unscoped() {
        return ofRule(UNSCOPED);
    }

    /** The rules the ticks act on: the adaptive ones (sizing) and those that name a pool (the pool tick). */
    static Set<String> tickedRules(Collection<Rule> rules) {
        Set<String> ids = new HashSet<>();
        for (Rule r : rules) {
            if (r.adaptiveEnabled() || (r.transfer() != null && r.transfer().pool() != null)) {
                ids.add(r.id());
            }
        }
        return ids;
    }

    /**
     * The groups the ticks act on: the rules of {@link #tickedRules}, and the {@link #keyGroup} of each key an override
     * puts in a pool (an override may put a bucket of any rule in one).
     */
    static Set<String> tickedGroups(Collection<Rule> rules, Collection<BucketOverride> overrides) {
        Set<String> groups = tickedRules(rules);
        for (BucketOverride o : overrides) {
            if (namesAPool(o)) {
                groups.add(keyGroup(o.key()));
            }
        }
        return groups;
    }

    /** Whether {@code override} puts its bucket in a pool. */
    static boolean namesAPool(BucketOverride override) {
        return override.transfer() != null && override.transfer().pool() != null;
    }

    /** The group of the buckets of caller key {@code key}. */
    static String keyGroup(String key) {
        return KEY_GROUP + key;
    }

    /** The {@link #keyGroup} of {@code storeKey}'s caller key, or null when it is not a store key. Never throws. */
    static String keyGroupOf(String storeKey) {
        try {
            return keyGroup(StoreKey.decode(storeKey).key());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The group of {@code storeKey}: the rule it names, or {@link #UNSCOPED}. Never throws. */
    static String groupOf(String storeKey) {
        if (storeKey.indexOf(StoreKey.SEP) < 0) {
            return UNSCOPED;
        }
        try {
            return Objects.requireNonNullElse(StoreKey.decode(storeKey).ruleId(), UNSCOPED);
        } catch (IllegalArgumentException e) {
            return UNSCOPED; // no decision writes such a key; a walk must not stop at one
        }
    }

    /**
     * Groups {@code owned} on every call: for a store without an index (a Hazelcast client owns nothing; the local
     * store in tests).
     */
    static OwnedBuckets walking(Supplier<Collection<String>> owned) {
        return new OwnedBuckets() {
            @Override
            public Collection<String> ofRule(String group) {
                boolean byKey = group.startsWith(KEY_GROUP);
                List<String> keys = new ArrayList<>();
                for (String key : owned.get()) {
                    if (group.equals(byKey ? keyGroupOf(key) : groupOf(key))) {
                        keys.add(key);
                    }
                }
                return keys;
            }
        };
    }
}
