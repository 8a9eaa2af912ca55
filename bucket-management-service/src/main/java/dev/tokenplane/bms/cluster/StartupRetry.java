package dev.tokenplane.bms.cluster;

import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.spi.exception.RetryableException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.CheckedRunnable;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a starting member's steps that read and write the cluster (joining the replicated configuration and the audit
 * log, loading the rules) again while the cluster rebalances, for up to {@link #LIMIT}.
 *
 * <p>Hazelcast retries a call that meets a migrating partition or a member that left only within the request path's
 * budget ({@link HazelcastMember#invocationTimeouts}: about 3.5 s of retries for the default
 * {@code BMS_REQUEST_TIMEOUT_MS}). A join migrates partitions, and on a loaded machine a migration outlasts that budget
 * (seen in the chaos suite: a restarted member gave up its start and hung leaving the cluster). A start is worth a
 * longer wait than a request; the member is not ready meanwhile. Any other failure fails the start at once, as before.
 */
public final class StartupRetry {
    private static final Logger LOG = LoggerFactory.getLogger(StartupRetry.class);

    /** How long a start waits for the cluster to settle before it gives up. */
    public static final Duration LIMIT = Duration.ofMinutes(2);

    private static final IntervalFunction BACKOFF =
            IntervalFunction.ofExponentialBackoff(Duration.ofMillis(200), 2, Duration.ofSeconds(2));

    private final Duration limit;
    private final IntervalFunction interval;
    private final LongSupplier nanoTime;

    StartupRetry(Duration limit, IntervalFunction interval, LongSupplier nanoTime) {
        this.limit = limit;
        this.interval = interval;
        this.nanoTime = nanoTime;
    }

    /** Retries for {@link #LIMIT}, 200 ms apart at first and then up to 2 s. */
    public static StartupRetry standard() {
        return new StartupRetry(LIMIT, BACKOFF, System::nanoTime);
    }

    /**
     * Runs {@code step}, again after a failure the cluster's rebalancing explains, until it succeeds or the limit
     * passes (then its last failure is thrown). The step must be safe to run again after a partial run.
     */
    public void run(String name, CheckedRunnable step) throws Exception {
        long deadline = nanoTime.getAsLong() + limit.toNanos();
        Retry retry = Retry.of(
                name,
                RetryConfig.custom()
                        .maxAttempts(Integer.MAX_VALUE)
                        .intervalFunction(interval)
                        .retryOnException(e -> isTransient(e) && nanoTime.getAsLong() - deadline < 0)
                        .build());
        retry.getEventPublisher()
                .onRetry(e -> LOG.warn(
                        "Starting, {}: the cluster is rebalancing ({}); attempt {} in {} ms",
                        name,
                        e.getLastThrowable().toString(),
                        e.getNumberOfRetryAttempts() + 1,
                        e.getWaitInterval().toMillis()));
        try {
            Retry.decorateCheckedRunnable(retry, step).run();
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Whether {@code failure}, or a cause of it, is one Hazelcast itself retries (a partition migrating, a member
     * gone or not yet known, a wrong target after a migration) or a call that timed out.
     */
    static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RetryableException || t instanceof OperationTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
