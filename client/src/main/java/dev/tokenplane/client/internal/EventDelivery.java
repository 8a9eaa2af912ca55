package dev.tokenplane.client.internal;

import dev.tokenplane.client.RateLimiterEvent;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events on their way to the user's consumers: a bounded queue that the thread making an event (the decision
 * connection's reader, an HTTP client thread, the timer) only adds to, and that one drain at a time empties, in order,
 * on the caller's executor when one is given, else on this client's own daemon thread ({@value #THREAD_NAME}, started
 * when the first event comes and gone after a second without one). A consumer that blocks therefore holds the events
 * behind it, never a decision. When the queue is full the newest event (the one that does not fit) is dropped and
 * counted ({@link #dropped()}), and the drain logs how many at its next turn: never blocking, or logging on, the
 * thread that made it. Thread-safe.
 */
final class EventDelivery {
    static final String THREAD_NAME = "tokenplane-client-events";
    /** The most events waiting for the consumers; the ones that do not fit are dropped. */
    static final int CAPACITY = 8_192;
    /** Events one drain delivers before it hands its thread back to the executor (and queues itself again). */
    private static final int BATCH = 256;

    private static final Logger LOG = LoggerFactory.getLogger(EventDelivery.class);

    private final Consumer<RateLimiterEvent> consumers;
    private final BlockingQueue<RateLimiterEvent> queue;
    private final int capacity;
    /** The caller's executor, or null: this client's own thread only. */
    private final Executor callerExecutor;

    private final ThreadPoolExecutor ownThread;
    /** One drain at a time (queued or running), so that the consumers see the events in the order they came. */
    private final AtomicBoolean draining = new AtomicBoolean();

    private final AtomicLong dropped = new AtomicLong();
    /** Drops already logged; only the drain reads and writes it. */
    private long droppedLogged;

    private volatile boolean closed;
    private volatile Thread drainThread;

    /** Delivers to {@code consumers} on {@code callerExecutor}, or on its own thread when that is null. */
    EventDelivery(Consumer<RateLimiterEvent> consumers, Executor callerExecutor, int capacity) {
        this.consumers = consumers;
        this.callerExecutor = callerExecutor;
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.capacity = capacity;
        this.ownThread = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, THREAD_NAME);
            t.setDaemon(true);
            return t;
        });
        ownThread.allowCoreThreadTimeOut(true);
    }

    /** Queues {@code event} for the consumers and returns at once; drops it when the queue is full or closed. */
    void offer(RateLimiterEvent event) {
        if (closed || !queue.offer(event)) {
            dropped.incrementAndGet();
            return;
        }
        scheduleDrain();
    }

    /** Events dropped so far: the queue was full (a consumer too slow), or the client closed. */
    long dropped() {
        return dropped.get();
    }

    private void scheduleDrain() {
        if (!draining.compareAndSet(false, true)) {
            return; // the running drain looks at the queue again before it lets go
        }
        try {
            (callerExecutor == null ? ownThread : callerExecutor).execute(this::drain);
        } catch (RejectedExecutionException refused) {
            try {
                ownThread.execute(this::drain); // the caller's executor is shut down or full: ours, rather than none
            } catch (RejectedExecutionException closing) {
                draining.set(false); // closed: what is queued stays undelivered
            }
        }
    }

    private void drain() {
        drainThread = Thread.currentThread();
        try {
            RateLimiterEvent event;
            for (int n = 0; n < BATCH && (event = queue.poll()) != null; n++) {
                consumers.accept(event);
            }
            long drops = dropped.get();
            if (drops > droppedLogged) {
                LOG.warn(
                        "{} rate limiter events were dropped: the consumers did not keep up ({} waiting at most)",
                        drops - droppedLogged,
                        capacity);
                droppedLogged = drops;
            }
        } finally {
            drainThread = null;
            draining.set(false);
            if (!queue.isEmpty()) {
                scheduleDrain();
            }
        }
    }

    /**
     * Takes no more events, waits up to {@code wait} for the queued ones to be delivered (not when called by a consumer,
     * which would wait for itself), then stops the own thread.
     */
    void close(Duration wait) {
        closed = true;
        if (Thread.currentThread() != drainThread) {
            long deadline = System.nanoTime() + wait.toNanos();
            while ((!queue.isEmpty() || draining.get()) && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(1_000_000); // close only: a consumer may be slow, and nothing signals the end
            }
        }
        ownThread.shutdownNow();
    }
}
