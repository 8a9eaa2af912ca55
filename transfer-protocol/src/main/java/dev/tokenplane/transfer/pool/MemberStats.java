package dev.tokenplane.transfer.pool;

/**
 * One bucket of a pool in {@code GET /v1/pools/{pool}}. Token figures are nanotokens.
 *
 * @param key                 the bucket key
 * @param region              its region, empty when unknown
 * @param weight              its fair-share weight
 * @param canBorrow           whether it may borrow now
 * @param canLend             whether it may lend now
 * @param tokensNanos         what it held at the last sizing tick, less what it has lent since
 * @param spareNanos          what it may lend, by that figure
 * @param reserveNanos        what it keeps when it lends: its configured reserve, or its forecast demand over the
 *                            pool's horizon when that is more ({@link dev.tokenplane.transfer.LendingReserve})
 * @param windowBorrowedNanos what it has borrowed in the current window
 * @param lentNanos           lent in all, since this member started
 * @param borrowedNanos       borrowed in all, since this member started
 * @param borrowLimitPerSecond the sizing loop's borrow limit in its last snapshot, tokens per second; null for none
 *                            ({@link MemberSnapshot#borrowLimitPerSecond()})
 */
public record MemberStats(
        String key,
        String region,
        double weight,
        boolean canBorrow,
        boolean canLend,
        long tokensNanos,
        long spareNanos,
        long reserveNanos,
        long windowBorrowedNanos,
        long lentNanos,
        long borrowedNanos,
        Double borrowLimitPerSecond) {}
