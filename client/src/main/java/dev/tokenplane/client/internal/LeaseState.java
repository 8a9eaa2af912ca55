package dev.tokenplane.client.internal;

import java.util.concurrent.CompletableFuture;

/**
 * One key's lease, immutable: the tokens this client holds for the key, and what it last learnt about the bucket.
 *
 * @param tokens          whole tokens leased and not yet used
 * @param leaseId         the BMS lease to give unused tokens back under (the latest one granted), null when there
 *                        is none: unused tokens are then dropped, which is the safe direction
 * @param expiresAt       epoch ms when the unused tokens go back to the BMS
 * @param deniedUntil     epoch ms before which a request the lease cannot cover is denied here (the BMS denied the
 *                        same request moments ago with this retry time); 0 for none
 * @param renewal         completes when the renewal in flight ends; null when none is
 * @param capacity        the bucket's capacity at the last answer, 0 before the first
 * @param refillPerSecond the bucket's refill at the last answer
 * @param bucketRemaining whole tokens left in the bucket at the last answer
 * @param observedAt      epoch ms of the last answer
 * @param ruleId          the rule serving the key, at the last answer
 * @param ratePerSecond   the demand this client sees for the key, tokens per second (an EWMA over renewals)
 * @param lastRenewalAt   epoch ms of the last renewal's start, 0 before the first
 * @param maxBlock        the most tokens one renewal may ask for (1 once the BMS refused a block, as a leaky bucket
 *                        does), 0 for no limit of its own
 */
public record LeaseState(
        long tokens,
        String leaseId,
        long expiresAt,
        long deniedUntil,
        CompletableFuture<Void> renewal,
        long capacity,
        double refillPerSecond,
        long bucketRemaining,
        long observedAt,
        String ruleId,
        double ratePerSecond,
        long lastRenewalAt,
        long maxBlock) {

    /** A key with no lease and nothing learnt yet. */
    public static final LeaseState EMPTY = new LeaseState(0, null, 0, 0, null, 0, 0, 0, 0, null, 0, 0, 0);

    LeaseState withTokens(long newTokens) {
        return new LeaseState(
                newTokens,
                leaseId,
                expiresAt,
                deniedUntil,
                renewal,
                capacity,
                refillPerSecond,
                bucketRemaining,
                observedAt,
                ruleId,
                ratePerSecond,
                lastRenewalAt,
                maxBlock);
    }

    /** The lease given back (or dropped): no tokens, and no BMS lease to name any more. */
    LeaseState ended() {
        return new LeaseState(
                0,
                null,
                expiresAt,
                deniedUntil,
                renewal,
                capacity,
                refillPerSecond,
                bucketRemaining,
                observedAt,
                ruleId,
                ratePerSecond,
                lastRenewalAt,
                maxBlock);
    }
}
