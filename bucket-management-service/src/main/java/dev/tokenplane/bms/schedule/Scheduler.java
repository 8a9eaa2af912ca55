package dev.tokenplane.bms.schedule;

import java.time.Duration;

/**
 * Runs the member's periodic jobs (the sizing tick, the transfer tick, the bucket budget's recount, the rules file
 * poll). The BMS runs them on Vert.x timers ({@link VertxScheduler}); a test passes a scheduler it ticks by hand, with
 * a fake clock, and nothing waits for real time.
 *
 * <p>A job may block (cluster calls, disk): it never runs on an event loop, and one run of a job at a time (a run
 * still going when the next is due skips that one).
 */
public interface Scheduler {

    /**
     * Runs {@code job} every {@code interval} until the returned handle is cancelled or the scheduler stops.
     *
     * @param name names the job in logs
     */
    Cancellable every(String name, Duration interval, Job job);

    /** One run of a periodic job; a failure is logged and the job keeps its schedule. */
    @FunctionalInterface
    interface Job {
        void run() throws Exception;
    }

    /** Stops a job's schedule (a run under way finishes). Idempotent. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
