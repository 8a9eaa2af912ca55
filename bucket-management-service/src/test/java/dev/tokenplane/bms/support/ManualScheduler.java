package dev.tokenplane.bms.support;

import dev.tokenplane.bms.schedule.Scheduler;
import dev.tokenplane.store.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Scheduler} a test ticks by hand, on the test's thread: {@link #advance} moves the fake clock and runs each
 * job whose time came (once per interval crossed, in the order the jobs were scheduled); {@link #run} runs one job now.
 * A job's failure is thrown to the test. Nothing runs on its own.
 */
public final class ManualScheduler implements Scheduler {
    private final FakeClock clock;
    private final Map<String, Scheduled> jobs = new LinkedHashMap<>();

    private static final class Scheduled {
        final long intervalMs;
        final Job job;
        long dueAt;

        Scheduled(long intervalMs, Job job, long dueAt) {
            this.intervalMs = intervalMs;
            this.job = job;
            this.dueAt = dueAt;
        }
    }

    public ManualScheduler(FakeClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Cancellable every(String name, Duration interval, Job job) {
        long ms = Math.max(1, interval.toMillis());
        Scheduled scheduled = new Scheduled(ms, job, clock.millis() + ms);
        jobs.put(name, scheduled);
        return () -> {
            synchronized (this) {
                jobs.remove(name, scheduled);
            }
        };
    }

    /** Whether a job of that name is scheduled. */
    public synchronized boolean has(String name) {
        return jobs.containsKey(name);
    }

    /** Runs the job {@code name} once, now, without moving the clock. */
    public void run(String name) throws Exception {
        Scheduled s;
        synchronized (this) {
            s = jobs.get(name);
        }
        if (s == null) {
            throw new IllegalStateException("no job '" + name + "' is scheduled; there are " + jobs.keySet());
        }
        s.job.run();
    }

    /**
     * Moves the clock by {@code delta}, stopping at each time a job comes due to run it (the clock shows that time to
     * the job). Answers how many runs were made.
     */
    public int advance(Duration delta) throws Exception {
        long until = clock.millis() + delta.toMillis();
        int runs = 0;
        while (true) {
            List<Scheduled> due = new ArrayList<>();
            long next;
            synchronized (this) {
                next = jobs.values().stream().mapToLong(s -> s.dueAt).min().orElse(Long.MAX_VALUE);
                if (next > until) {
                    break;
                }
                for (Scheduled s : jobs.values()) {
                    if (s.dueAt == next) {
                        due.add(s);
                        s.dueAt += s.intervalMs;
                    }
                }
            }
            clock.set(Math.max(clock.millis(), next));
            for (Scheduled s : due) {
                s.job.run();
                runs++;
            }
        }
        clock.set(Math.max(clock.millis(), until));
        return runs;
    }
}
