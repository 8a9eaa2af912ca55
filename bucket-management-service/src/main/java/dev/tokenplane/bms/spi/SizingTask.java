package dev.tokenplane.bms.spi;

/**
 * The seam for the adaptive sizing loop: the BMS calls {@link #tick} every {@code BMS_SIZING_INTERVAL_MS} on every
 * member, on a worker thread (never an event loop), one tick at a time. A tick resizes the buckets this member's
 * partitions own (by rule: {@code OwnedBuckets}), skipping those an override pins
 * ({@code OverrideRegistry.isPinned}), and records each resize ({@code ResizeHistory.recordAll},
 * {@code BmsMetrics.resized}).
 */
@FunctionalInterface
public interface SizingTask {

    /** No sizing: buckets keep their rule's (or override's) size. */
    SizingTask NONE = nowMillis -> {};

    /** One sizing round at {@code nowMillis}. May block (store calls, agents); must not throw for a single bucket. */
    void tick(long nowMillis) throws Exception;
}
