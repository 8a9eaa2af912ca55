package dev.tokenplane.transfer.exec;

import dev.tokenplane.store.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A {@link TransferTimer} on a {@link FakeClock}: tasks run only when a test advances time through
 * {@link #advance(long)}, each at its due millisecond, in order. Thread-safe; tasks run on the advancing thread.
 */
public final class ManualTimer implements TransferTimer {

    private record Task(long dueMillis, long seq, Runnable action, boolean[] cancelled) {}

    private final FakeClock clock;
    private final PriorityQueue<Task> tasks =
            new PriorityQueue<>(Comparator.comparingLong(Task::dueMillis).thenComparingLong(Task::seq));
    private long seq;

    public ManualTimer(FakeClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        long delayMillis = Math.max(0, (delay.toNanos() + 999_999) / 1_000_000);
        boolean[] cancelled = {false};
        tasks.add(new Task(clock.millis() + delayMillis, seq++, task, cancelled));
        return () -> {
            synchronized (ManualTimer.this) {
                cancelled[0] = true;
            }
        };
    }

    /** Moves the clock forward by {@code millis}, running each task when the clock reaches its due time. */
    public void advance(long millis) {
        long target = clock.millis() + millis;
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.dueMillis() > target) {
                    break;
                }
                tasks.poll();
                if (next.cancelled()[0]) {
                    continue;
                }
            }
            if (next.dueMillis() > clock.millis()) {
                clock.set(next.dueMillis());
            }
            next.action().run();
        }
        clock.set(Math.max(clock.millis(), target));
    }

    /** Tasks scheduled and neither run nor cancelled. */
    public synchronized int pending() {
        List<Task> live = new ArrayList<>();
        for (Task t : tasks) {
            if (!t.cancelled()[0]) {
                live.add(t);
            }
        }
        return live.size();
    }
}
