package dev.tokenplane.bms.schedule;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic jobs on Vert.x timers: the timer fires on an event loop, the job runs on a worker
 * ({@code executeBlocking}, unordered), one run at a time. The jobs stop with the Vert.x instance.
 */
public final class VertxScheduler implements Scheduler {
    private static final Logger LOG = LoggerFactory.getLogger(VertxScheduler.class);

    private final Vertx vertx;

    public VertxScheduler(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public Cancellable every(String name, Duration interval, Job job) {
        AtomicBoolean running = new AtomicBoolean();
        long timer = vertx.setPeriodic(Math.max(1, interval.toMillis()), id -> {
            if (!running.compareAndSet(false, true)) {
                return; // one run at a time; a slow run skips the next
            }
            Future<Void> run;
            try {
                run = vertx.executeBlocking(
                        () -> {
                            job.run();
                            return null;
                        },
                        false);
            } catch (RejectedExecutionException stopping) {
                vertx.cancelTimer(id); // Vert.x is closing: its workers are gone
                return;
            }
            run.onComplete(ar -> {
                running.set(false);
                if (ar.failed()) {
                    LOG.warn("{} failed", name, ar.cause());
                }
            });
        });
        return () -> vertx.cancelTimer(timer);
    }
}
