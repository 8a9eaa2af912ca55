package dev.tokenplane.agent.core;

import java.util.ArrayDeque;
import java.util.Optional;

/**
 * A bounded FIFO of reports not yet sent. When full, {@link #offer} drops the oldest report to make room: the newest
 * readings matter most to the BMS, and memory stays bounded however long the BMS is away.
 *
 * <p>Thread-safe (one lock): the sampler thread offers, the reporter's context peeks and removes.
 *
 * @param <T> the report type
 */
public final class ReportBuffer<T> {

    private final int capacity;
    private final ArrayDeque<T> items;
    private long dropped;

    /**
     * @param capacity the most reports kept, ≥ 1
     */
    public ReportBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.items = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /**
     * Appends a report, dropping the oldest one if the buffer is full.
     *
     * @param item the report
     * @return the report dropped to make room, if any
     */
    public synchronized Optional<T> offer(T item) {
        T evicted = null;
        if (items.size() == capacity) {
            evicted = items.pollFirst();
            dropped++;
        }
        items.addLast(item);
        return Optional.ofNullable(evicted);
    }

    /** The oldest report, still kept. */
    public synchronized Optional<T> peek() {
        return Optional.ofNullable(items.peekFirst());
    }

    /**
     * Removes {@code item} if it is still the oldest report (it may have been dropped while it was being sent).
     *
     * @param item the report that was sent
     * @return whether it was removed
     */
    public synchronized boolean removeIfOldest(T item) {
        if (items.peekFirst() == item) {
            items.pollFirst();
            return true;
        }
        return false;
    }

    /** Reports kept now. */
    public synchronized int size() {
        return items.size();
    }

    /** The capacity. */
    public int capacity() {
        return capacity;
    }

    /** Reports dropped so far because the buffer was full. */
    public synchronized long dropped() {
        return dropped;
    }
}
