package dev.tokenplane.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.client.support.Bms;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job-throttling recipe: a burst of jobs goes into a queue, and a pool of fewer workers than the bucket's capacity
 * takes them one by one, each job asking once with a {@code maxWait} (delay mode): the BMS reserves its token and says
 * how long to wait, the worker waits that long and runs the job. The burst drains at the rule's rate, no job is lost,
 * and there is no polling: about one decision per job. The default run drains 200 jobs at 100/s;
 * {@code -Djobs.count=10000} (the {@code recipes} profile) drains 10,000.
 */
class JobThrottlingTest {
    static final int JOBS = Integer.getInteger("jobs.count", 200);
    static final double RATE = Math.max(100, JOBS / 20.0);
    static final int CAPACITY = 5;
    /**
     * The BMS holds at most one capacity's worth of reservations: with fewer workers than that, every ask gets one.
     */
    static final int WORKERS = CAPACITY - 1;

    static Bms bms;
    static RateLimiterClient client;

    @BeforeAll
    static void start() throws Exception {
        bms = Bms.start();
        bms.rule("jobs", "{\"match\":\"jobs:*\",\"capacity\":" + CAPACITY + ",\"refillPerSecond\":" + RATE + "}");
        client = RateLimiterClient.builder()
                .bmsUrls(bms.url())
                .timeout(Duration.ofSeconds(5))
                .attemptTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        bms.close();
    }

    @Test
    void shouldDrainABurstOfJobsAtTheRuleRateAskingAboutOncePerJob() throws Exception {
        BlockingQueue<Integer> burst = new LinkedBlockingQueue<>();
        for (int job = 0; job < JOBS; job++) {
            burst.add(job);
        }
        AtomicIntegerArray runs = new AtomicIntegerArray(JOBS);
        double decisionsBefore = bms.metric("bms_decisions_total");
        long start = System.nanoTime();

        ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        List<Future<?>> pool = new ArrayList<>();
        try {
            for (int w = 0; w < WORKERS; w++) {
                pool.add(workers.submit(() -> {
                    for (Integer job = burst.poll(); job != null; job = burst.poll()) {
                        // blocks until the BMS's reservation is due (one ask), or asks again when it said so
                        while (!client.acquire("jobs:mail", 1, Duration.ofMinutes(1))
                                .granted()) {
                            // denied after a whole minute of waiting: ask again (never happens at this rate)
                        }
                        runs.incrementAndGet(job); // the job's work
                    }
                    return null;
                }));
            }
            for (Future<?> worker : pool) {
                worker.get(10, TimeUnit.MINUTES);
            }
        } finally {
            workers.shutdown();
        }
        double elapsedSeconds = (System.nanoTime() - start) / 1e9;
        double decisionsPerJob = (bms.metric("bms_decisions_total") - decisionsBefore) / JOBS;
        System.out.printf(
                "JobThrottlingTest: %d jobs in %.2f s (%.0f/s, rule %.0f/s), %.3f decisions per job%n",
                JOBS, elapsedSeconds, JOBS / elapsedSeconds, RATE, decisionsPerJob);

        for (int job = 0; job < JOBS; job++) {
            assertThat(runs.get(job)).as("job %d", job).isEqualTo(1); // none lost, none run twice
        }
        // the BMS spaced the tokens at its rate: past the first burst, no faster than the rule
        assertThat(elapsedSeconds).isGreaterThanOrEqualTo((JOBS - CAPACITY - 2) / RATE);
        // no polling: one ask per job (the BMS reserves); a denial asks again only when the BMS said it could grant
        assertThat(decisionsPerJob).isLessThanOrEqualTo(1.5);
    }
}
