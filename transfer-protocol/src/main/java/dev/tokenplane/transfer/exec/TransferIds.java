package dev.tokenplane.transfer.exec;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where transfer ids come from. Ids are at least 1 and must not repeat among the transfers a bucket still remembers
 * (its last {@link dev.tokenplane.store.TransferLog#CAPACITY} steps), across every member of the cluster.
 */
@FunctionalInterface
public interface TransferIds {

    /** The next id, at least 1. */
    long next();

    /**
     * Random 63-bit ids: no coordination between members, and a collision among the handful of ids a bucket remembers
     * has a probability of about 2<sup>-60</sup>.
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
