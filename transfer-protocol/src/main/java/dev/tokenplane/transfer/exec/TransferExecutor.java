package dev.tokenplane.transfer.exec;

import dev.tokenplane.store.BucketMath;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.TransferLog;
import dev.tokenplane.transfer.breaker.PoolBreakers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

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
 * The returned stage completes within {@code budget} (default 2 ms): with the result if both steps answered, with a
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
 * <h2>Buckets in doubt</h2>
 * A fence works only while the bucket still remembers the step ({@link dev.tokenplane.store.TransferLog#CAPACITY}
 * steps); a credit pushed out of the log by later steps would read as never applied, and its refund would create
 * tokens. So from the moment a transfer fails or runs out of budget until it has settled, its lender and borrower are
 * <em>in doubt</em>: this executor starts no transfer that touches them ({@link TransferResult.Reason#BUCKET_IN_DOUBT}).
 * Before anyone knows that a step is doubtful (between sending it and its answer or its budget), other transfers
 * must not push it out either: each transfer reserves the steps it may append to each bucket (a lender's debit, its
 * fence and the refund: {@value #LENDER_STEPS}; a borrower's credit and its fence: {@value #BORROWER_STEPS}), and a
 * transfer is started only if the steps reserved on each of its buckets since the oldest transfer on it that has not
 * settled still fit the log. A transfer keeps its reservation until it has settled <em>and</em> every store call it
 * made has answered: a step that timed out may still reach its bucket late, and its fence protects it from being
 * applied only while the bucket's log still holds the fence. Transfers settle in well under a millisecond, so this
 * bites only when a step hangs, or when more than a few transfers touch one bucket at once. Other BMS members do not see this executor's doubts or
 * reservations; the log's capacity covers their transfers during one fence.
 *
 * <h2>Executing a request again</h2>
 * A request whose id this executor has run recently (the last {@value #REMEMBERED} transfers, settled or not) is not
 * run again: {@code execute} answers with the first run's result. The buckets' logs would replay its steps too, but
 * only while they still remember them; once later steps have pushed a settled transfer's debit out of its lender's
 * log, a second run would debit the lender again while the borrower's log, remembering the credit, replays it as
 * done, and the tokens would be lost. A different request under a remembered id is not attempted
 * ({@link TransferResult.Reason#DUPLICATE_ID}). Beyond that memory ids must simply not repeat, which
 * {@link TransferIds#random()} sees to.
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
    public record Settings(Duration budget, Duration stepTimeout, int settleAttempts, Duration settleBackoff,
                           Executor callbacks, Executor afterCredit) {
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
            return new Settings(DEFAULT_BUDGET, Duration.ofMillis(500), 4, Duration.ofMillis(5), Runnable::run,
                    Runnable::run);
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

    private final BucketStore store;
    private final PoolBreakers breakers;
    private final TransferTimer timer;
    private final LongSupplier nanoTime;
    private final Settings settings;
    private final Map<String, Integer> inDoubt = new ConcurrentHashMap<>();
    /** Per bucket with unsettled transfers: log steps reserved, and the count at which each unsettled one began. */
    private final Map<String, Reservations> reservations = new HashMap<>();

    /** How many transfers, by id, the executor remembers so that executing one again replays its first result. */
    static final int REMEMBERED = 1_024;

    /** The last {@value #REMEMBERED} transfers' answers by id; guarded by the executor's reservation map. */
    private final Map<Long, CompletableFuture<TransferResult>> remembered = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, CompletableFuture<TransferResult>> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** Log steps a transfer may append to its lender: the debit, its fence, the refund. */
    static final int LENDER_STEPS = 3;
    /** Log steps a transfer may append to its borrower: the credit and its fence. */
    static final int BORROWER_STEPS = 2;

    /** One bucket's reservations; guarded by the executor's reservation map. */
    private static final class Reservations {
        private long reserved;
        /** The count at which each unsettled transfer began: distinct, since every transfer reserves steps. */
        private final TreeSet<Long> unsettledSince = new TreeSet<>();

        /** Whether {@code steps} more can be appended without pushing the oldest unsettled transfer's step out. */
        boolean fits(int steps) {
            return unsettledSince.isEmpty() || reserved + steps - unsettledSince.first() <= TransferLog.CAPACITY;
        }

        long reserve(int steps) {
            long mark = reserved;
            reserved += steps;
            unsettledSince.add(mark);
            return mark;
        }

        /** Releases the reservation made at {@code mark}; true when nothing is reserved any more. */
        boolean release(long mark) {
            unsettledSince.remove(mark);
            return unsettledSince.isEmpty();
        }
    }

    /**
     * @param store    where the buckets are
     * @param breakers the pools' breakers; null for none (every transfer is attempted)
     * @param timer    for the budget, step timeouts and back-off
     * @param nanoTime monotonic nanoseconds for measuring durations ({@code System::nanoTime}; a fake clock in tests)
     * @param settings budgets and retries
     */
    public TransferExecutor(BucketStore store, PoolBreakers breakers, TransferTimer timer, LongSupplier nanoTime,
                            Settings settings) {
        this.store = store;
        this.breakers = breakers;
        this.timer = timer;
        this.nanoTime = nanoTime;
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /** Carries out {@code request}; the stage completes within the budget and never exceptionally. */
    public CompletionStage<TransferResult> execute(TransferRequest request) {
        if (inDoubt.containsKey(request.lender()) || inDoubt.containsKey(request.borrower())) {
            return notAttempted(request, TransferResult.Reason.BUCKET_IN_DOUBT);
        }
        CircuitBreaker breaker = breakers == null ? null : breakers.breaker(request.pool());
        Run run = new Run(request, breaker);
        CompletionStage<TransferResult> earlier;
        long[] marks;
        synchronized (reservations) {
            earlier = remembered.get(request.id());
            marks = earlier == null ? reserve(request) : null;
            if (marks != null) {
                remembered.put(request.id(), run.answer);
            }
        }
        if (earlier != null) {
            return earlier.thenCompose(first -> first.request().equals(request)
                    ? CompletableFuture.completedFuture(first)
                    : notAttempted(request, TransferResult.Reason.DUPLICATE_ID));
        }
        if (marks == null) {
            return notAttempted(request, TransferResult.Reason.BUCKET_IN_DOUBT);
        }
        if (breaker != null && !breaker.tryAcquirePermission()) {
            // Nothing was touched, so nothing to remember: a retry once the breaker closes runs for real
            synchronized (reservations) {
                remembered.remove(request.id(), run.answer);
            }
            release(request, marks);
            CompletionStage<TransferResult> refused = notAttempted(request, TransferResult.Reason.BREAKER_OPEN);
            refused.thenAccept(run.answer::complete);
            return refused;
        }
        run.drained.whenComplete((v, e) -> release(request, marks));
        run.start();
        return run.answer.minimalCompletionStage();
    }

    /**
     * Reserves the transfer's log steps on both buckets: the marks, or null when either has no room now. The caller
     * holds the reservation map's lock.
     */
    private long[] reserve(TransferRequest request) {
        Reservations lender = reservations.get(request.lender());
        Reservations borrower = reservations.get(request.borrower());
        boolean room = (lender == null || lender.fits(LENDER_STEPS))
                && (borrower == null || borrower.fits(BORROWER_STEPS));
        if (!room) {
            return null;
        }
        return new long[]{
                reservations.computeIfAbsent(request.lender(), k -> new Reservations()).reserve(LENDER_STEPS),
                reservations.computeIfAbsent(request.borrower(), k -> new Reservations()).reserve(BORROWER_STEPS)};
    }

    private void release(TransferRequest request, long[] marks) {
        synchronized (reservations) {
            if (reservations.get(request.lender()).release(marks[0])) {
                reservations.remove(request.lender());
            }
            if (reservations.get(request.borrower()).release(marks[1])) {
                reservations.remove(request.borrower());
            }
        }
    }

    /** Whether {@code key} has a transfer in doubt, so that no transfer touching it is started. */
    public boolean isInDoubt(String key) {
        return inDoubt.containsKey(key);
    }

    private static CompletionStage<TransferResult> notAttempted(TransferRequest request, TransferResult.Reason reason) {
        return CompletableFuture.completedFuture(new TransferResult.NotAttempted(request, reason,
                CompletableFuture.completedFuture(Settlement.NOTHING)));
    }

    private void doubt(String key, int delta) {
        inDoubt.merge(key, delta, (a, b) -> a + b == 0 ? null : a + b);
    }

    /** Carries out all {@code requests} at once; results in request order, once each has answered. */
    public CompletionStage<List<TransferResult>> executeAll(List<TransferRequest> requests) {
        List<CompletableFuture<TransferResult>> answers = requests.stream()
                .map(r -> execute(r).toCompletableFuture())
                .toList();
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .thenApply(done -> answers.stream().map(CompletableFuture::join).toList());
    }

    /** One transfer. Its steps run one after another, each started by the completion of the one before. */
    private final class Run {
        private final TransferRequest request;
        private final CircuitBreaker breaker;
        private final long startedAt = nanoTime.getAsLong();
        private final CompletableFuture<TransferResult> answer = new CompletableFuture<>();
        private final CompletableFuture<Settlement> settled = new CompletableFuture<>();
        /** Store calls sent and not answered yet (a timed-out one included: it may still arrive). */
        private final AtomicInteger unanswered = new AtomicInteger();
        /** Completes once the transfer has settled and every store call it made has answered. */
        private final CompletableFuture<Void> drained = new CompletableFuture<>();
        private long debited;
        private long credited;
        private long refunded;

        Run(TransferRequest request, CircuitBreaker breaker) {
            this.request = request;
            this.breaker = breaker;
            settled.whenComplete((s, e) -> drainedIfQuiet());
        }

        private void drainedIfQuiet() {
            if (settled.isDone() && unanswered.get() == 0) {
                drained.complete(null);
            }
        }

        void start() {
            TransferTimer.Cancellable budget = timer.schedule(settings.budget(), () -> answer(new TransferResult.Failed(
                    request, new TimeoutException("transfer " + request.id() + " exceeded its budget of "
                    + settings.budget().toNanos() / 1_000 + " us"), settled)));
            answer.whenComplete((r, e) -> budget.cancel());
            attempt(() -> store.debit(request.lender(), request.nanotokens(), request.lenderFloorNanos(),
                    request.id()), this::debited, this::debitInDoubt);
        }

        private void debited(long taken) {
            debited = taken;
            if (taken == 0) {
                answer(new TransferResult.Moved(request, 0, 0, settled));
                settle(true);
                return;
            }
            attempt(() -> store.credit(request.borrower(), taken, request.id()), this::credited, this::creditInDoubt,
                    settings.afterCredit());
        }

        private void credited(long accepted) {
            answer(new TransferResult.Moved(request, debited, accepted, settled));
            if (accepted == debited) {
                creditKnown(accepted);
            } else {
                settings.callbacks().execute(() -> creditKnown(accepted));
            }
        }

        private void debitInDoubt(Throwable cause) {
            answer(new TransferResult.Failed(request, cause, settled));
            retrying(() -> store.debit(request.lender(), 0, request.lenderFloorNanos(), request.id()), taken -> {
                debited = taken;
                if (taken == 0) {
                    settle(true);
                } else {
                    // A retry of this transfer may have credited the borrower meanwhile: learn (and fence) the
                    // credit before refunding, or both runs would hand the same tokens out.
                    retrying(() -> store.credit(request.borrower(), 0, request.id()), this::creditKnown);
                }
            });
        }

        private void creditInDoubt(Throwable cause) {
            answer(new TransferResult.Failed(request, cause, settled));
            retrying(() -> store.credit(request.borrower(), 0, request.id()), this::creditKnown);
        }

        private void creditKnown(long accepted) {
            credited = accepted;
            refund(debited - accepted);
        }

        private void refund(long amount) {
            if (amount == 0) {
                settle(true);
                return;
            }
            retrying(() -> store.credit(request.lender(), amount, request.refundId()), accepted -> {
                refunded = accepted;
                settle(true);
            });
        }

        /** The first answer wins; it is the one the breaker hears about. A failure puts both buckets in doubt. */
        private void answer(TransferResult result) {
            if (!answer.complete(result)) {
                return;
            }
            if (result instanceof TransferResult.Failed) {
                doubt(request.lender(), 1);
                doubt(request.borrower(), 1);
                settled.whenComplete((s, e) -> {
                    doubt(request.lender(), -1);
                    doubt(request.borrower(), -1);
                });
            }
            if (breaker != null) {
                long elapsed = nanoTime.getAsLong() - startedAt;
                if (result instanceof TransferResult.Failed failed) {
                    breaker.onError(elapsed, TimeUnit.NANOSECONDS, failed.cause());
                } else {
                    breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                }
            }
        }

        /**
         * A bucket could not vouch for a step of this transfer (it may have applied it and forgotten, or it is gone):
         * nothing more is sent, and nothing is refunded on its word, so the tokens in doubt stay missing.
         */
        private void forgotten() {
            answer(new TransferResult.Failed(request, new IllegalStateException("a bucket of transfer " + request.id()
                    + " no longer remembers whether it applied the step"), settled));
            settle(false);
        }

        private void settle(boolean resolved) {
            try {
                settled.complete(new Settlement(debited, credited, refunded, resolved));
            } catch (RuntimeException brokenContract) {
                settled.completeExceptionally(brokenContract);
            }
        }

        private void retrying(Supplier<CompletionStage<Long>> call, LongConsumer onValue) {
            retry(call, onValue, 1, settings.settleBackoff());
        }

        private void retry(Supplier<CompletionStage<Long>> call, LongConsumer onValue, int attempt, Duration backoff) {
            attempt(call, onValue, failure -> {
                if (attempt >= settings.settleAttempts()) {
                    settle(false);
                } else {
                    timer.schedule(backoff, () -> retry(call, onValue, attempt + 1, backoff.multipliedBy(2)));
                }
            });
        }

        /** One store call, bounded by the step timeout; a call that throws counts as a failed one. */
        private void attempt(Supplier<CompletionStage<Long>> call, LongConsumer onValue, Consumer<Throwable> onFailure) {
            attempt(call, onValue, onFailure, settings.callbacks());
        }

        /** {@link #attempt(Supplier, LongConsumer, Consumer)} with its continuation on {@code continuation}. */
        private void attempt(Supplier<CompletionStage<Long>> call, LongConsumer onValue, Consumer<Throwable> onFailure,
                             Executor continuation) {
            CompletableFuture<Long> bounded = new CompletableFuture<>();
            TransferTimer.Cancellable timeout = timer.schedule(settings.stepTimeout(), () -> bounded
                    .completeExceptionally(new TimeoutException("store call of transfer " + request.id()
                            + " did not answer within " + settings.stepTimeout().toMillis() + " ms")));
            bounded.whenComplete((value, failure) -> {
                timeout.cancel();
                if (failure == null && value == BucketMath.STEP_FORGOTTEN) {
                    forgotten();
                } else if (failure == null) {
                    onValue.accept(value);
                } else {
                    onFailure.accept(unwrap(failure));
                }
            });
            unanswered.incrementAndGet();
            try {
                // The async variant with our executor: Hazelcast would otherwise pick a thread of its own.
                call.get().whenCompleteAsync((value, failure) -> {
                    if (unanswered.decrementAndGet() == 0) {
                        drainedIfQuiet();
                    }
                    if (failure == null) {
                        bounded.complete(value);
                    } else {
                        bounded.completeExceptionally(failure);
                    }
                }, continuation);
            } catch (RuntimeException thrown) {
                unanswered.decrementAndGet(); // never sent
                drainedIfQuiet();
                bounded.completeExceptionally(thrown);
            }
        }
    }

    private static Throwable unwrap(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
