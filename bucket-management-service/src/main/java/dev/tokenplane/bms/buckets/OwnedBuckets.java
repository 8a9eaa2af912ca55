package dev.tokenplane.bms.buckets;

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

    /** The owned store keys of the buckets of rule {@code ruleId}. */
    Collection<String> ofRule(String ruleId);

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
            public Collection<String> ofRule(String ruleId) {
                List<String> keys = new ArrayList<>();
                for (String key : owned.get()) {
                    if (groupOf(key).equals(ruleId)) {
                        keys.add(key);
                    }
                }
                return keys;
            }
        };
    }
}
