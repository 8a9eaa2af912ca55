package dev.tokenplane.transfer.exec;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Where transfer ids come from. Ids are at least 1 and must not repeat among the transfers a bucket still remembers
 * (its last {@link dev.tokenplane.store.TransferLog#CAPACITY} steps), across every member of the cluster.
 *
 * <p>Ids should also grow with time: a bucket treats an unknown id at or below the largest one it has forgotten (its
 * watermark) as possibly applied, so such a step applies nothing. That is always safe, but an id drawn below a
 * bucket's watermark is a transfer that cannot run on that bucket.
 */
@FunctionalInterface
public interface TransferIds {

    /** Milliseconds of the epoch {@link #timeOrdered} counts from: 2025-01-01T00:00:00Z. */
    long EPOCH_MILLIS = 1_735_689_600_000L;
    /** Bits of an id for its generator's node. */
    int NODE_BITS = 16;
    /** Bits of an id for the sequence within one millisecond. */
    int SEQUENCE_BITS = 6;

    /** The next id, at least 1. */
    long next();

    /**
     * Ids that grow with time, unique per node: 41 bits of milliseconds since {@link #EPOCH_MILLIS} (enough for 69
     * years), {@value #NODE_BITS} bits of {@code node}, {@value #SEQUENCE_BITS} bits of sequence; strictly increasing
     * per generator (more than 64 ids in a millisecond borrow from the next one, and a clock that goes back does not
     * take the ids back). Two generators never collide while their nodes differ.
     *
     * <p>Clock skew between members: a member whose clock is S ahead draws ids S ahead. Once a bucket forgets one of
     * them its watermark is S ahead too, and for up to S other members' new steps on that bucket answer "forgotten":
     * those transfers stop without moving tokens (a debit) or lose the credited amount until refill (a credit), never
     * create any. Keep members' clocks synchronised (NTP) to keep S, and these lost transfers, small.
     *
     * @param millis wall-clock milliseconds
     * @param node   this generator's node, 0 to 2<sup>{@value #NODE_BITS}</sup>-1, different on each member
     */
    static TransferIds timeOrdered(LongSupplier millis, int node) {
        if (node < 0 || node >= 1 << NODE_BITS) {
            throw new IllegalArgumentException("node must be in [0, " + (1 << NODE_BITS) + "), was " + node);
        }
        AtomicLong lastTick = new AtomicLong(); // (millis since the epoch << SEQUENCE_BITS) | sequence
        return () -> {
            long now = Math.max(0, millis.getAsLong() - EPOCH_MILLIS) << SEQUENCE_BITS;
            long tick = lastTick.updateAndGet(last -> Math.max(last + 1, now));
            long sequence = tick & ((1L << SEQUENCE_BITS) - 1);
            return ((tick >>> SEQUENCE_BITS) << (NODE_BITS + SEQUENCE_BITS))
                    | ((long) node << SEQUENCE_BITS)
                    | sequence; // at least 1, since the first tick is 1
        };
    }

    /** {@link #timeOrdered(LongSupplier, int)} on the system clock with a random node. */
    static TransferIds timeOrdered() {
        return timeOrdered(
                System::currentTimeMillis, ThreadLocalRandom.current().nextInt(1 << NODE_BITS));
    }

    /**
     * Random 63-bit ids: no coordination between members, and a collision among the handful of ids a bucket remembers
     * has a probability of about 2<sup>-60</sup>. They do not grow with time, so buckets soon answer most of them as
     * forgotten: kept for tests of that; use {@link #timeOrdered()}.
     */
    static TransferIds random() {
        return () -> ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    /** 1, 2, 3, ...: for tests and single-process use. */
    static TransferIds sequence() {
        AtomicLong last = new AtomicLong();
        return last::incrementAndGet;
    }
}
