package dev.tokenplane.bms.cluster;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The deadline of a call on the request path ({@code BMS_REQUEST_TIMEOUT_MS}): a stage that has not completed by then
 * fails with {@link Exceeded}, which the HTTP layer answers with 503 {@code unavailable} and {@code Retry-After}. The
 * call itself goes on (Hazelcast gives up by its own, matching, invocation timeout); only the caller stops waiting.
 * Nothing blocks. The timer is one shared wheel (Netty's {@link HashedWheelTimer}, ticking every 10 ms on a daemon
 * thread): setting and cancelling a deadline is a lock-free enqueue, where {@link CompletableFuture#orTimeout} took
 * the lock of one JDK-wide delay queue twice per call, with a copy of the future and two more stages (BENCHMARKS.md,
 * "binary port, fifth wave"). A deadline fires up to a tick late.
 */
public final class Deadline {
    private static final HashedWheelTimer TIMER =
            new HashedWheelTimer(new DefaultThreadFactory("tokenplane-deadline", true), 10, TimeUnit.MILLISECONDS);

    private final long millis;

    /** The call did not answer within the deadline. */
    public static final class Exceeded extends RuntimeException {
        public Exceeded(long millis) {
            super(
                    "the bucket store did not answer within " + millis + " ms (a member may be down or partitioned); "
                            + "retry",
                    null,
                    false,
                    false);
        }
    }

    public Deadline(long millis) {
        if (millis < 1) {
            throw new IllegalArgumentException("millis must be >= 1, was " + millis);
        }
        this.millis = millis;
    }

    public long millis() {
        return millis;
    }

    /** A stage completed as {@code stage}, or failed with {@link Exceeded} when it takes longer than the deadline. */
    public <T> CompletableFuture<T> on(CompletionStage<T> stage) {
        if (stage instanceof CompletableFuture<T> done && done.isDone()) {
            return done.copy(); // answered already (a local store, a lease): no timer to set and cancel
        }
        Call<T> call = new Call<>(millis);
        call.timeout = TIMER.newTimeout(call, millis, TimeUnit.MILLISECONDS); // first: the stage may be complete
        stage.whenComplete(call);
        return call.result;
    }

    /** One call's deadline: whichever of the stage and the timer comes first completes {@code result}. */
    private static final class Call<T> implements TimerTask, BiConsumer<T, Throwable> {
        final CompletableFuture<T> result = new CompletableFuture<>();
        final long millis;
        Timeout timeout;

        Call(long millis) {
            this.millis = millis;
        }

        @Override
        public void run(Timeout expired) {
            result.completeExceptionally(new Exceeded(millis));
        }

        @Override
        public void accept(T value, Throwable error) {
            timeout.cancel();
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(value);
            }
        }
    }
}
