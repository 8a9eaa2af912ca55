package dev.tokenplane.store;

import java.util.Arrays;
import java.util.OptionalLong;

/**
 * The last few transfer steps applied to a bucket, so that a retried debit or credit with the same transfer id is
 * applied once. Immutable; buckets that never take part in a transfer carry none (null), so ordinary entries stay small.
 *
 * <p>A debit and a credit of the same transfer hit different buckets, so one id per bucket and step is enough. The log
 * keeps the last {@link #CAPACITY} ids and, for the ones it has let go, a <em>watermark</em>: the largest
 * {@linkplain #order(long) order} of an id it forgot. An id that is not in the log but at or below the watermark may
 * have been applied and forgotten, so the bucket never reads it as "never applied" ({@link #isForgotten(long)}): such a
 * step applies nothing and answers {@link dev.tokenplane.store.BucketMath#STEP_FORGOTTEN}. This holds for any ids;
 * ids that grow with time (see the transfer protocol's {@code TransferIds}) only keep fresh steps above the watermark.
 */
public final class TransferLog {
    /** How many transfer steps a bucket remembers. */
    public static final int CAPACITY = 8;

    private final long[] ids;
    private final long[] amounts;
    private final long watermark;

    public TransferLog(long[] ids, long[] amounts) {
        this(ids, amounts, 0);
    }

    /**
     * @param watermark the largest {@linkplain #order(long) order} of a step this bucket has forgotten; 0 for none
     */
    public TransferLog(long[] ids, long[] amounts, long watermark) {
        if (ids.length != amounts.length || ids.length > CAPACITY) {
            throw new IllegalArgumentException("ids and amounts must have the same length, at most " + CAPACITY);
        }
        this.ids = ids.clone();
        this.amounts = amounts.clone();
        if (watermark < 0) {
            throw new IllegalArgumentException("watermark must be >= 0, was " + watermark);
        }
        this.watermark = watermark;
    }

    /**
     * Where an id stands against the watermark: its magnitude, so that a refund (the transfer's id negated) ranks with
     * its transfer. {@code Long.MIN_VALUE}, which has no magnitude, ranks highest.
     */
    public static long order(long transferId) {
        return transferId == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(transferId);
    }

    /**
     * Whether step {@code transferId} is not in the log but may have been applied and forgotten: its order is at or
     * below the watermark. Such a step must neither be applied now nor be read as never applied.
     */
    public boolean isForgotten(long transferId) {
        return order(transferId) <= watermark && find(transferId).isEmpty();
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
        long watermark = log == null ? 0 : log.watermark;
        for (int i = 0; i < oldIds.length - (CAPACITY - 1); i++) {
            watermark = Math.max(watermark, order(oldIds[i]));
        }
        int keep = Math.min(oldIds.length, CAPACITY - 1);
        long[] ids = new long[keep + 1];
        long[] amounts = new long[keep + 1];
        System.arraycopy(oldIds, oldIds.length - keep, ids, 0, keep);
        System.arraycopy(oldAmounts, oldAmounts.length - keep, amounts, 0, keep);
        ids[keep] = transferId;
        amounts[keep] = amount;
        return new TransferLog(ids, amounts, watermark);
    }

    /**
     * {@code log} knowing {@code other}'s steps as forgotten: its watermark raised over {@code other}'s watermark and
     * over every step {@code other} holds that {@code log} does not. {@code log} itself when that changes nothing.
     */
    public static TransferLog forgetting(TransferLog log, TransferLog other) {
        if (other == null) {
            return log;
        }
        long watermark = Math.max(log == null ? 0 : log.watermark, other.watermark);
        for (long id : other.ids) {
            if (log == null || log.find(id).isEmpty()) {
                watermark = Math.max(watermark, order(id));
            }
        }
        if (log != null && watermark == log.watermark) {
            return log;
        }
        return log == null
                ? new TransferLog(new long[0], new long[0], watermark)
                : new TransferLog(log.ids, log.amounts, watermark);
    }

    public long[] ids() {
        return ids.clone();
    }

    public long[] amounts() {
        return amounts.clone();
    }

    /** The largest order of a step this bucket has forgotten; 0 for none. */
    public long watermark() {
        return watermark;
    }

    public int size() {
        return ids.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransferLog other
                && Arrays.equals(ids, other.ids)
                && Arrays.equals(amounts, other.amounts)
                && watermark == other.watermark;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(ids) + Arrays.hashCode(amounts)) + Long.hashCode(watermark);
    }

    @Override
    public String toString() {
        return "TransferLog" + Arrays.toString(ids) + Arrays.toString(amounts) + "<=" + watermark;
    }
}
