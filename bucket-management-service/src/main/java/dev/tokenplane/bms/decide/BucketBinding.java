package dev.tokenplane.bms.decide;

import dev.tokenplane.bms.rules.BucketOverride;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.RuleIndex;
import dev.tokenplane.store.BucketSpec;

/**
 * What serves one key at one moment: the matching rule, the override that holds (if any), the spec the store creates
 * or resets the bucket from, the effective transfer settings, and the store key of the bucket (the caller's key scoped
 * by the rule and, for a {@code {client}} rule, the client: {@link dev.tokenplane.bms.rules.StoreKey}).
 */
public record BucketBinding(RuleIndex.Entry entry, BucketOverride override, BucketSpec spec, Rule.Transfer transfer,
                            String storeKey) {

    public Rule rule() {
        return entry.rule();
    }

    /** Whether a denial may ask the transfer protocol for tokens. */
    public boolean mayBorrow() {
        return transfer != null && transfer.canBorrow() && !entry.rule().shadow();
    }

    static BucketBinding of(RuleIndex.Entry entry, BucketOverride override, String storeKey) {
        Rule.Transfer base = entry.rule().transfer();
        return new BucketBinding(entry, override, entry.specWith(override),
                override == null ? base : override.overlay(base), storeKey);
    }
}
