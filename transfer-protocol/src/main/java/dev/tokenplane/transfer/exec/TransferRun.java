package dev.tokenplane.transfer.exec;

import dev.tokenplane.store.BucketStore;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One transfer's protocol: debit, credit, refund, and the fences when a step is in doubt (see
 * {@link TransferExecutor}). Its steps run one after another, each started by the completion of the one before. The
 * first answer (a result, or the budget running out) completes {@link #answer} and is the one the breaker hears about.
 */
final class TransferRun {

    /** What every run of one executor shares. */
    record Context(
            BucketStore store,
            TransferTimer timer,
            LongSupplier nanoTime,
            TransferExecutor.Settings settings,
            TransferAdmission admission,
            Function<String, Duration> poolBudgets) {

        /** How long the caller waits for a transfer of {@code pool}: the pool's own budget, or the member's. */
        Duration budget(String pool) {
            Duration own = poolBudgets.apply(pool);
            return own != null ? own : settings.budget();
        }
    }

    private final TransferRequest request;
    private final CircuitBreaker breaker;
    private final Context context;
    private final BucketStore store;
    private final TransferExecutor.Settings settings;
    private final TransferSteps steps;
    private final long startedAt;
    private final CompletableFuture<TransferResult> answer = new CompletableFuture<>();
    private final CompletableFuture<Settlement> settled = new CompletableFuture<>();
    /** Completes once the transfer has settled and every store call it made has answered. */
    private final CompletableFuture<Void> drained = new CompletableFuture<>();

    private long debited;
    private long credited;
    private long refunded;

    /** @param breaker the pool's breaker, or null for none */
    TransferRun(TransferRequest request, CircuitBreaker breaker, Context context) {
        this.request = request;
        this.breaker = breaker;
        this.context = context;
        this.store = context.store();
        this.settings = context.settings();
        this.startedAt = context.nanoTime().getAsLong();
        this.steps = new TransferSteps(request.id(), context.timer(), settings, this::forgotten, this::drainedIfQuiet);
        settled.whenComplete((s, e) -> drainedIfQuiet());
    }

    /** The caller's answer: the first result, or a timed-out failure once the budget runs out. */
    CompletableFuture<TransferResult> answer() {
        return answer;
    }

    /** Completes once the transfer has settled and every store call it made has answered. */
    CompletableFuture<Void> drained() {
        return drained;
    }

    void start() {
        Duration limit = context.budget(request.pool());
        TransferTimer.Cancellable budget = context.timer()
                .schedule(
                        limit,
                        () -> answer(new TransferResult.Failed(
                                request,
                                new TimeoutException("transfer " + request.id() + " exceeded its budget of "
                                        + limit.toNanos() / 1_000 + " us"),
                                settled)));
        answer.whenComplete((r, e) -> budget.cancel());
        steps.send(
                () -> store.debit(request.lender(), request.nanotokens(), request.lenderFloorNanos(), request.id()),
                this::debited,
                this::debitInDoubt);
    }

    private void drainedIfQuiet() {
        if (settled.isDone() && steps.allAnswered()) {
            drained.complete(null);
        }
    }

    private void debited(long taken) {
        debited = taken;
        if (taken == 0) {
            answer(new TransferResult.Moved(request, 0, 0, settled));
            settle(true);
            return;
        }
        steps.send(
                () -> store.credit(request.borrower(), taken, request.id()),
                this::credited,
                this::creditInDoubt,
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
            context.admission().doubtUntil(request, settled);
        }
        if (breaker != null) {
            long elapsed = context.nanoTime().getAsLong() - startedAt;
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
        answer(new TransferResult.Failed(
                request,
                new IllegalStateException(
                        "a bucket of transfer " + request.id() + " no longer remembers whether it applied the step"),
                settled));
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
        steps.retrying(call, onValue, () -> settle(false));
    }
}
