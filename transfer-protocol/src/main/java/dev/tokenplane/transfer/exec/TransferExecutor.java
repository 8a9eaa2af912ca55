package dev.tokenplane.transfer.exec;

import dev.tokenplane.store.BucketMath;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.transfer.breaker.PoolBreakers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Carries out transfers on a {@link BucketStore}, never creating a token.
 *
 * <h2>Protocol</h2>
 * <ol>
 *   <li>Debit the lender atomically: up to {@code n}, leaving its reserve ({@code debit(lender, n, floor, id)}).
 *       It answers {@code taken <= n}; with 0 the transfer ends, rejected.</li>
 *   <li>Credit the borrower atomically with what was taken ({@code credit(borrower, taken, id)}). It answers
 *       {@code accepted <= taken} (a credit never goes above the bucket's burst).</li>
 *   <li>Refund the lender {@code taken - accepted} ({@code credit(lender, taken - accepted, refundId)}).</li>
 * </ol>
 * When a step fails or does not answer within {@code stepTimeout}, nobody knows whether it was applied. The executor
 * then <em>fences</em> it: it repeats the step with the same id and an amount of 0. The store replays the first
 * application if there was one (answering what it moved) and otherwise records 0 under that id, so a late arrival of
 * the original is replayed as 0 instead of applied. After a debit in doubt it fences the credit too (a concurrent retry
 * of the same transfer may have made it). With the fences' answers it refunds the lender exactly what did not reach the
 * borrower. Fences and refunds are retried {@code settleAttempts} times with doubling back-off; all retries
 * use the same ids, so none applies twice.
 *
 * <p>Tokens only ever leave a bucket before they reach another, so at every instant the pool holds at most what it held
 * plus its own refills. A refund that no longer fits (the lender refilled to capacity meanwhile) is dropped, as refill
 * overflow would be; a step that never answers leaves its tokens missing, never doubled ({@link Settlement}).
 *
 * <h2>Time budget and breaker</h2>
 * The returned stage completes within the pool's budget (a pool's own, or else {@code budget}, default 2 ms): with the result if both steps answered, with a
 * timed-out {@link TransferResult.Failed} otherwise, while the transfer finishes in the background. Each transfer is
 * one call of its pool's breaker: refused while it is open (the store is not touched), and reported with its measured
 * duration, as a failure when it failed or timed out, so that failures, timeouts and slow transfers open it.
 *
 * <h2>Steps a bucket cannot vouch for</h2>
 * A bucket keeps its last {@link dev.tokenplane.store.TransferLog#CAPACITY} steps and a watermark of the ones it let
 * go; a step at or below the watermark that it does not hold, or any step on a bucket that does not exist, answers
 * {@link BucketMath#STEP_FORGOTTEN}: it applied nothing now and may have applied before. Whichever step of a transfer
 * gets that answer (debit, credit, fence or refund), the transfer stops there, unresolved, and refunds nothing, so a
 * bucket's forgetting (or another member running the same id) can lose the tokens in doubt but never create any. A
 * refund is sent only when the borrower's own answer says how much of the credit it applied.
 *
 * <h2>Admission</h2>
 * A transfer is not started while one of its buckets is in doubt (a failed transfer on it has not settled), while its
 * buckets' logs have no room for its steps, or when its id ran recently (the first run's answer is returned instead):
 * see {@link TransferAdmission}. The protocol of one transfer is {@link TransferRun}; its store calls, bounded and
 * retried, {@link TransferSteps}.
 *
 * <p>Thread-safe. Continuations run on {@code callbacks} (for Hazelcast, an executor of the caller's, not Hazelcast's
 * default), the answer after a credit on {@code afterCredit} (see {@link Settings}).
 * Transfer ids: see {@link TransferRequest} and {@link TransferIds}.
 */
public final class TransferExecutor {

    /**
     * @param budget         how long the caller waits for a result (the decision path's budget), default 2 ms
     * @param stepTimeout    how long one store call may take before it is fenced, default 500 ms
     * @param settleAttempts attempts for each fence and refund, default 4
     * @param settleBackoff  wait before the second attempt, doubling after, default 5 ms
     * @param callbacks      where continuations run, default the completing thread
     * @param afterCredit    where the answer after a credit completes, default {@code callbacks}: the caller's next
     *                       store call is usually on the borrower (a decision retrying its acquire), so an executor
     *                       that stays on the thread that completed the credit, when that thread may call the
     *                       borrower, saves a hand-over (a refund to the lender still goes through {@code callbacks})
     */
    public record Settings(
            Duration budget,
            Duration stepTimeout,
            int settleAttempts,
            Duration settleBackoff,
            Executor callbacks,
            Executor afterCredit) {
        public static final Duration DEFAULT_BUDGET = Duration.ofMillis(2);

        public Settings {
            requirePositive("budget", budget);
            requirePositive("stepTimeout", stepTimeout);
            requirePositive("settleBackoff", settleBackoff);
            if (settleAttempts < 1) {
                throw new IllegalArgumentException("settleAttempts must be >= 1, was " + settleAttempts);
            }
            if (callbacks == null || afterCredit == null) {
                throw new IllegalArgumentException("callbacks and afterCredit are required");
            }
        }

        public static Settings defaults() {
            return new Settings(
                    DEFAULT_BUDGET, Duration.ofMillis(500), 4, Duration.ofMillis(5), Runnable::run, Runnable::run);
        }

        public Settings withBudget(Duration value) {
            return new Settings(value, stepTimeout, settleAttempts, settleBackoff, callbacks, afterCredit);
        }

        /** Continuations, the answer after a credit included, on {@code value}. */
        public Settings withCallbacks(Executor value) {
            return new Settings(budget, stepTimeout, settleAttempts, settleBackoff, value, value);
        }

        public Settings withAfterCredit(Executor value) {
            return new Settings(budget, stepTimeout, settleAttempts, settleBackoff, callbacks, value);
        }

        private static void requirePositive(String field, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(field + " must be a positive duration, was " + d);
            }
        }
    }

    private final PoolBreakers breakers;
    private final Settings settings;
    private final TransferAdmission admission = new TransferAdmission();
    private final TransferRun.Context context;

    /**
     * @param store    where the buckets are
     * @param breakers the pools' breakers; null for none (every transfer is attempted)
     * @param timer    for the budget, step timeouts and back-off
     * @param nanoTime monotonic nanoseconds for measuring durations ({@code System::nanoTime}; a fake clock in tests)
     * @param settings budgets and retries
     */
    public TransferExecutor(
            BucketStore store, PoolBreakers breakers, TransferTimer timer, LongSupplier nanoTime, Settings settings) {
        this(store, breakers, timer, nanoTime, settings, pool -> null);
    }

    /**
     * @param poolBudgets a pool's own time budget, or null for {@code settings.budget()}; asked at the start of each
     *                    transfer, so it must be fast and must not block (a local lookup, such as the pool settings')
     */
    public TransferExecutor(
            BucketStore store,
            PoolBreakers breakers,
            TransferTimer timer,
            LongSupplier nanoTime,
            Settings settings,
            Function<String, Duration> poolBudgets) {
        this.breakers = breakers;
        this.settings = settings;
        this.context = new TransferRun.Context(store, timer, nanoTime, settings, admission, poolBudgets);
    }

    public Settings settings() {
        return settings;
    }

    /** Carries out {@code request}; the stage completes within the budget and never exceptionally. */
    public CompletionStage<TransferResult> execute(TransferRequest request) {
        if (admission.eitherInDoubt(request)) {
            return notAttempted(request, TransferResult.Reason.BUCKET_IN_DOUBT);
        }
        CircuitBreaker breaker = breakers == null ? null : breakers.breaker(request.pool());
        TransferRun run = new TransferRun(request, breaker, context);
        TransferAdmission.Admission admitted = admission.admit(request, run.answer());
        if (admitted.earlier() != null) {
            return admitted.earlier()
                    .thenCompose(first -> first.request().equals(request)
                            ? CompletableFuture.completedFuture(first)
                            : notAttempted(request, TransferResult.Reason.DUPLICATE_ID));
        }
        long[] marks = admitted.marks();
        if (marks == null) {
            return notAttempted(request, TransferResult.Reason.BUCKET_IN_DOUBT);
        }
        if (breaker != null && !breaker.tryAcquirePermission()) {
            // Nothing was touched, so nothing to remember: a retry once the breaker closes runs for real
            admission.forget(request, run.answer(), marks);
            CompletionStage<TransferResult> refused = notAttempted(request, TransferResult.Reason.BREAKER_OPEN);
            refused.thenAccept(run.answer()::complete);
            return refused;
        }
        run.drained().whenComplete((v, e) -> admission.release(request, marks));
        run.start();
        return run.answer().minimalCompletionStage();
    }

    /** Whether {@code key} has a transfer in doubt, so that no transfer touching it is started. */
    public boolean isInDoubt(String key) {
        return admission.isInDoubt(key);
    }

    /** Carries out all {@code requests} at once; results in request order, once each has answered. */
    public CompletionStage<List<TransferResult>> executeAll(List<TransferRequest> requests) {
        List<CompletableFuture<TransferResult>> answers =
                requests.stream().map(r -> execute(r).toCompletableFuture()).toList();
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .thenApply(done -> answers.stream().map(CompletableFuture::join).toList());
    }

    private static CompletionStage<TransferResult> notAttempted(TransferRequest request, TransferResult.Reason reason) {
        return CompletableFuture.completedFuture(new TransferResult.NotAttempted(
                request, reason, CompletableFuture.completedFuture(Settlement.NOTHING)));
    }
}
