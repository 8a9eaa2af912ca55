package dev.tokenplane.store;

/**
 * Which copy of a bucket survives when two sides of a split cluster heal: the one holding <em>fewer</em> tokens, so
 * that a healed cluster never hands out a token that either side had already granted. Each side served the bucket on
 * its own while split, so the bound on what a key admitted during the split is per side (see docs/split-brain.md); the
 * merge only keeps that from growing afterwards.
 *
 * <p>The two copies are compared at the later of their times of last refill (pure: no clock), each refilled up to it.
 * The survivor keeps its own parameters and counters. Its transfer log learns the other copy's steps as forgotten: its
 * watermark rises to cover them, so a step either side applied is never read as "never applied" after the heal.
 */
public final class SplitMerge {

    private SplitMerge() {}

    /** The copy to keep of {@code a} and {@code b} (either may be null, meaning that side has no bucket). */
    public static BucketState keepLower(BucketState a, BucketState b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        long at = Math.max(a.lastRefillAt(), b.lastRefillAt());
        BucketState ra = BucketMath.refill(a, at);
        BucketState rb = BucketMath.refill(b, at);
        boolean keepA = ra.tokens() <= rb.tokens();
        BucketState kept = keepA ? a : b;
        TransferLog other = keepA ? b.transfers() : a.transfers();
        TransferLog merged = TransferLog.forgetting(kept.transfers(), other);
        return merged == kept.transfers() ? kept : kept.withTransfers(merged);
    }
}
