package dev.tokenplane.bms.transfer;

import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.bms.buckets.OwnedBuckets;
import dev.tokenplane.bms.config.OverrideRegistry;
import dev.tokenplane.bms.config.RuleRegistry;
import dev.tokenplane.bms.decide.BucketResolver;
import dev.tokenplane.bms.http.ApiRoutes;
import dev.tokenplane.bms.http.PoolRoutes;
import dev.tokenplane.bms.metrics.BmsMetrics;
import dev.tokenplane.bms.sizing.BorrowLimits;
import dev.tokenplane.bms.sizing.DemandForecasts;
import dev.tokenplane.bms.sizing.SizingStates;
import dev.tokenplane.bms.spi.Borrower;
import dev.tokenplane.sizing.SizingConfig;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.hazelcast.RuntimeTuning;
import dev.tokenplane.transfer.TransferPlanner;
import dev.tokenplane.transfer.breaker.PoolBreakers;
import dev.tokenplane.transfer.exec.TransferExecutor;
import dev.tokenplane.transfer.exec.TransferIds;
import dev.tokenplane.transfer.exec.TransferTimer;
import dev.tokenplane.transfer.pool.PoolTransfers;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.UnaryOperator;

/**
 * The transfer protocol in a BMS member: borrowing on the decision path, the per-pool rebalance on each tick, the pool
 * breakers and their meters, and the pool endpoints. The member's wiring makes one per member
 * ({@code BmsOptions.transfer}); {@code BmsMain} starts every member with it.
 *
 * <ul>
 *   <li>{@link PoolBorrower} is the member's {@link dev.tokenplane.bms.spi.Borrower}.</li>
 *   <li>{@link PoolTicker} runs every {@code BMS_SIZING_INTERVAL_MS} ({@link #tick}), beside the sizing loop (a
 *       periodic job of its own, so that neither waits for the other).</li>
 *   <li>{@link PoolRoutes} serves {@code GET /v1/pools/{pool}} and {@code PUT|DELETE /v1/pools/{pool}/settings}.</li>
 *   <li>Settings are resolved per bucket by the member's {@link BucketResolver}: override, rule and the pool's
 *       run-time settings ({@link PoolSettingsRegistry}), once per decision; lenders' settings on every transfer.</li>
 * </ul>
 */
public final class TransferFeature {

    /**
     * How the protocol runs in a member.
     *
     * @param budget      the decision path's time budget for a borrow (default 2 ms); a pool's own
     *                    {@code borrowBudget.timeBudgetMs} replaces it for that pool
     * @param breaker     adjusts the pool breakers' configuration (default {@link PoolBreakers#defaults}, as is)
     * @param borrowAhead how many times its shortfall a bucket borrows at once (default 4)
     */
    public record Options(Duration budget, UnaryOperator<CircuitBreakerConfig.Builder> breaker, double borrowAhead) {

        public static Options defaults() {
            return new Options(TransferExecutor.Settings.DEFAULT_BUDGET, UnaryOperator.identity(), 4);
        }

        public Options withBudget(Duration value) {
            return new Options(value, breaker, borrowAhead);
        }

        public Options withBreaker(UnaryOperator<CircuitBreakerConfig.Builder> value) {
            return new Options(budget, value, borrowAhead);
        }
    }

    /** A bucket below this fraction of its burst, under demand, is topped up on the tick. */
    private static final double NEAR_EMPTY_FRACTION = 0.25;

    private final PoolBorrower borrower;
    private final PoolRoutes routes;
    private final PoolTicker ticker;

    /**
     * The protocol of one member.
     *
     * @param owned    the keys of the buckets this member owns, by rule
     * @param settings the pools' replicated, persisted run-time settings (started with the rules)
     * @param resolver what serves each bucket: the one place that resolves it
     * @param interval the tick's interval ({@code BMS_SIZING_INTERVAL_MS})
     * @param borrowLimits the sizing loop's borrow limits of the buckets this member sizes (empty without a loop)
     */
    public TransferFeature(
            BucketStore store,
            OwnedBuckets owned,
            RuleRegistry rules,
            OverrideRegistry overrides,
            PoolSettingsRegistry settings,
            BucketResolver resolver,
            HazelcastInstance hazelcast,
            BmsMetrics bmsMetrics,
            Vertx vertx,
            InstantSource clock,
            Duration interval,
            Options options,
            BorrowLimits borrowLimits) {
        PoolBreakers breakers = new PoolBreakers(
                options.breaker().apply(PoolBreakers.defaults(clock)).build(), settings::breakerTuning);
        TransferMetrics metrics = new TransferMetrics(bmsMetrics, breakers);
        Executor steps = offPartitionThreads();
        TransferExecutor executor = new TransferExecutor(
                store,
                breakers,
                TransferTimer.of(TIMERS),
                System::nanoTime,
                TransferExecutor.Settings.defaults()
                        .withBudget(options.budget())
                        .withCallbacks(steps)
                        .withAfterCredit(stayOnPartitionThread(steps)),
                pool -> settings.borrowBudget(pool).timeBudget());
        PoolTransfers transfers = new PoolTransfers(
                new TransferPlanner(),
                executor,
                breakers,
                resolver,
                TransferIds.timeOrdered(),
                clock,
                new PoolTransfers.Settings(interval, options.borrowAhead(), NEAR_EMPTY_FRACTION),
                metrics,
                settings::borrowBudget);
        this.borrower = new PoolBorrower(transfers, steps);
        this.routes = new PoolRoutes(
                vertx,
                transfers,
                breakers,
                settings,
                rules,
                overrides,
                pool -> PoolTicker.isCoordinator(hazelcast, pool),
                clock);
        this.ticker = new PoolTicker(
                hazelcast,
                store,
                resolver,
                transfers,
                metrics,
                interval.toMillis(),
                () -> PoolTicker.candidates(rules.all(), overrides.all(), owned),
                // the sizing loop's member policy has the default forecaster (SizingLoop.policyConfig)
                new DemandForecasts(new SizingStates(hazelcast), SizingConfig.defaults()),
                borrowLimits);
    }

    /** Borrows for a denied bucket of a pool, on the decision path. */
    public Borrower borrower() {
        return borrower;
    }

    /** {@code GET /v1/pools/{pool}} and the pools' run-time settings. */
    public ApiRoutes routes() {
        return routes;
    }

    /**
     * One transfer tick ({@link PoolTicker}): the member's scheduler calls it every {@code BMS_SIZING_INTERVAL_MS},
     * beside the sizing loop. Blocks: call it off any event loop.
     */
    public void tick() throws Exception {
        ticker.tick();
    }

    /**
     * Where a transfer starts and continues between its steps. Not the member's direct {@code callbacks}: a stage of the
     * store completes on the partition thread of the bucket it touched, and the next step (the credit after the debit,
     * or the debit after a denied acquire) touches another partition, which Hazelcast refuses from a partition thread
     * ({@code IllegalThreadStateException: cannot make remote call}). The JDK's common pool takes over instead (sized
     * by {@link RuntimeTuning}): the steps are short and never block. Its {@code execute} is a plain hand-over; the
     * pitfall is CompletableFuture's default async executor, which is not used here.
     */
    private static Executor offPartitionThreads() {
        return ForkJoinPool.commonPool();
    }

    /**
     * Where the answer after a credit completes: on the thread that completed the credit when it is a partition
     * thread, else on {@code steps}. A credit completes on a partition thread only when this member owns the borrower,
     * and then on the borrower's own partition thread, which may make the decision's next call, the retry of its
     * acquire on the same bucket, at once: one hand-over fewer. A response thread (the borrower is owned elsewhere)
     * may call no other member, so the answer is handed over ({@link RuntimeTuning#isPartitionThread()}).
     */
    private static Executor stayOnPartitionThread(Executor steps) {
        return task -> {
            if (RuntimeTuning.isPartitionThread()) {
                task.run();
            } else {
                steps.execute(task);
            }
        };
    }

    /**
     * Budgets, step timeouts and back-off: one daemon thread for every member of the JVM, whose tasks only complete
     * futures. Not Vert.x timers: scheduling and cancelling one from a Hazelcast or pool thread wakes an event loop
     * twice per transfer, which costs more CPU than the transfer's own steps (BENCHMARKS.md).
     */
    private static final ScheduledThreadPoolExecutor TIMERS = timers();

    private static ScheduledThreadPoolExecutor timers() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "bms-transfer-timer");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        return timers;
    }
}
