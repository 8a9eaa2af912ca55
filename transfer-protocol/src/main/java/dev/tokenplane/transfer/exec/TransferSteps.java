package dev.tokenplane.transfer.exec;

import dev.tokenplane.store.BucketMath;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Sends one transfer's store calls: each bounded by the step timeout, fences and refunds retried with doubling
 * back-off, and every call counted until its store answers (a timed-out one may still arrive). An answer of
 * {@link BucketMath#STEP_FORGOTTEN} goes to {@code onForgotten} instead of the caller's continuation.
 */
final class TransferSteps {

    private final long transferId;
    private final TransferTimer timer;
    private final TransferExecutor.Settings settings;
    private final Runnable onForgotten;
    private final Runnable onAllAnswered;
    /** Store calls sent and not answered yet (a timed-out one included: it may still arrive). */
    private final AtomicInteger unanswered = new AtomicInteger();

    /**
     * @param onForgotten   runs when a bucket answers that it cannot vouch for a step
     * @param onAllAnswered runs whenever the last store call sent so far has answered
     */
    TransferSteps(
            long transferId,
            TransferTimer timer,
            TransferExecutor.Settings settings,
            Runnable onForgotten,
            Runnable onAllAnswered) {
        this.transferId = transferId;
        this.timer = timer;
        this.settings = settings;
        this.onForgotten = onForgotten;
        this.onAllAnswered = onAllAnswered;
    }

    /** Whether every store call sent so far has answered. */
    boolean allAnswered() {
        return unanswered.get() == 0;
    }

    /**
     * Sends {@code call} up to {@code settleAttempts} times with doubling back-off; {@code onGiveUp} runs when the last
     * attempt fails.
     */
    void retrying(Supplier<CompletionStage<Long>> call, LongConsumer onValue, Runnable onGiveUp) {
        retry(call, onValue, onGiveUp, 1, settings.settleBackoff());
    }

    private void retry(
            Supplier<CompletionStage<Long>> call,
            LongConsumer onValue,
            Runnable onGiveUp,
            int attempt,
            Duration backoff) {
        send(call, onValue, failure -> {
            if (attempt >= settings.settleAttempts()) {
                onGiveUp.run();
            } else {
                timer.schedule(backoff, () -> retry(call, onValue, onGiveUp, attempt + 1, backoff.multipliedBy(2)));
            }
        });
    }

    /** One store call, bounded by the step timeout; a call that throws counts as a failed one. */
    void send(Supplier<CompletionStage<Long>> call, LongConsumer onValue, Consumer<Throwable> onFailure) {
        send(call, onValue, onFailure, settings.callbacks());
    }

    /** {@link #send(Supplier, LongConsumer, Consumer)} with its continuation on {@code continuation}. */
    void send(
            Supplier<CompletionStage<Long>> call,
            LongConsumer onValue,
            Consumer<Throwable> onFailure,
            Executor continuation) {
        CompletableFuture<Long> bounded = new CompletableFuture<>();
        TransferTimer.Cancellable timeout = timer.schedule(
                settings.stepTimeout(),
                () -> bounded.completeExceptionally(new TimeoutException("store call of transfer " + transferId
                        + " did not answer within " + settings.stepTimeout().toMillis() + " ms")));
        bounded.whenComplete((value, failure) -> {
            timeout.cancel();
            if (failure == null && value == BucketMath.STEP_FORGOTTEN) {
                onForgotten.run();
            } else if (failure == null) {
                onValue.accept(value);
            } else {
                onFailure.accept(unwrap(failure));
            }
        });
        unanswered.incrementAndGet();
        try {
            // The async variant with our executor: Hazelcast would otherwise pick a thread of its own.
            call.get()
                    .whenCompleteAsync(
                            (value, failure) -> {
                                if (unanswered.decrementAndGet() == 0) {
                                    onAllAnswered.run();
                                }
                                if (failure == null) {
                                    bounded.complete(value);
                                } else {
                                    bounded.completeExceptionally(failure);
                                }
                            },
                            continuation);
        } catch (RuntimeException thrown) {
            unanswered.decrementAndGet(); // never sent
            onAllAnswered.run();
            bounded.completeExceptionally(thrown);
        }
    }

    private static Throwable unwrap(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
