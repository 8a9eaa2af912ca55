package dev.tokenplane.store;

import java.util.Arrays;
import java.util.OptionalLong;

/**
 * The last few transfer steps applied to a bucket, so that a retried debit or credit with the same transfer id is
 * applied once. Immutable; buckets that never take part in a transfer carry none (null), so ordinary entries stay small.
 *
 * <p>A debit and a credit of the same transfer hit different buckets, so one id per bucket and step is enough. The log
 * keeps the last {@link #CAPACITY} ids, which covers a retry of any transfer still in flight.
 */
public final class TransferLog {
    /** How many transfer steps a bucket remembers. */
    public static final int CAPACITY = 8;

    private final long[] ids;
    private final long[] amounts;

    public TransferLog(long[] ids, long[] amounts) {
        if (ids.length != amounts.length || ids.length > CAPACITY) {
            throw new IllegalArgumentException("ids and amounts must have the same length, at most " + CAPACITY);
        }
        this.ids = ids.clone();
        this.amounts = amounts.clone();
    }

    /** The nanotokens moved by step {@code transferId}, if this bucket has applied it. */
    public OptionalLong find(long transferId) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == transferId) {
                return OptionalLong.of(amounts[i]);
            }
        }
        return OptionalLong.empty();
    }

    /** This log with {@code transferId} added, forgetting the oldest step when full. */
    public static TransferLog append(TransferLog log, long transferId, long amount) {
        long[] oldIds = log == null ? new long[0] : log.ids;
        long[] oldAmounts = log == null ? new long[0] : log.amounts;
        int keep = Math.min(oldIds.length, CAPACITY - 1);
        long[] ids = new long[keep + 1];
        long[] amounts = new long[keep + 1];
        System.arraycopy(oldIds, oldIds.length - keep, ids, 0, keep);
        System.arraycopy(oldAmounts, oldAmounts.length - keep, amounts, 0, keep);
        ids[keep] = transferId;
        amounts[keep] = amount;
        return new TransferLog(ids, amounts);
    }

    public long[] ids() {
        return ids.clone();
    }

    public long[] amounts() {
        return amounts.clone();
    }

    public int size() {
        return ids.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransferLog other && Arrays.equals(ids, other.ids) && Arrays.equals(amounts, other.amounts);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + Arrays.hashCode(amounts);
    }

    @Override
    public String toString() {
        return "TransferLog" + Arrays.toString(ids) + Arrays.toString(amounts);
    }
}
