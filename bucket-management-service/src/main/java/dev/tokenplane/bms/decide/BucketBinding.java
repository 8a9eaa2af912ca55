package dev.tokenplane.bms.decide;

import dev.tokenplane.bms.rules.BucketOverride;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.RuleIndex;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.transfer.TransferSettings;

/**
 * Everything that serves one bucket at one moment, as {@link BucketResolver} resolved it once: the matching rule, the
 * override that holds (if any), the spec the store creates or resets the bucket from (override over rule), the
 * transfer settings as written (override over rule), the transfer settings in force (with the pool's run-time level
 * and the region), and the store key of the bucket (the caller's key scoped by the rule and, for a {@code {client}}
 * rule, the client: {@link dev.tokenplane.bms.rules.StoreKey}). Passed down the decision path, never recomputed.
 *
 * @param transfer the rule's transfer settings with the override's laid over them; null outside any pool
 * @param pooled   the transfer settings in force ({@link TransferSettings#resolve}); null outside any pool
 */
public record BucketBinding(
        RuleIndex.Entry entry,
        BucketOverride override,
        BucketSpec spec,
        Rule.Transfer transfer,
        String storeKey,
        TransferSettings pooled) {

    public Rule rule() {
        return entry.rule();
    }

    /** Whether a denial may ask the transfer protocol for tokens (the pool's kill switch included). */
    public boolean mayBorrow() {
        return pooled != null && pooled.canBorrow() && !entry.rule().shadow();
    }
}
