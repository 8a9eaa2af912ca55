package dev.tokenplane.transfer.exec;

import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.FakeClock;
import dev.tokenplane.store.ForwardingBucketStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A {@link BucketStore} that wraps a real one and breaks the transfer steps (debit and credit) on request: the faults a
 * network, a dying member or a slow partition cause. Everything else passes through. Works over any store, so the
 * executor suite runs unchanged against the Hazelcast store.
 */
public final class FaultyBucketStore extends ForwardingBucketStore {

    /** A transfer step. */
    public enum Op {
        DEBIT,
        CREDIT
    }

    /** What happens to one call. */
    public enum Fault {
        /** The step is applied, then the answer is lost: the caller sees an exception. */
        FAIL_AFTER_APPLY,
        /** The step fails before reaching the bucket. */
        FAIL_BEFORE_APPLY,
        /** The step is applied, and the answer never comes. */
        HANG_AFTER_APPLY,
        /** The step is held back and reaches the bucket only at {@link #releaseDelayed()}; its answer never comes. */
        DELAY_APPLY
    }

    /** Thrown by injected faults. */
    public static final class InjectedFault extends RuntimeException {
        public InjectedFault(String message) {
            super(message, null, false, false);
        }
    }

    private final FakeClock clock;
    private final Map<String, Deque<Fault>> injected = new HashMap<>();
    private final Set<String> lost = new HashSet<>();
    private final List<Runnable> delayed = new ArrayList<>();
    private final AtomicInteger debits = new AtomicInteger();
    private final AtomicInteger credits = new AtomicInteger();
    private volatile long slowMillis;
    private volatile long lateMillis;

    public FaultyBucketStore(BucketStore delegate, FakeClock clock) {
        super(delegate);
        this.clock = clock;
    }

    /** The next {@code op} on {@code key} suffers {@code fault} (faults queue up, one per call). */
    public synchronized void inject(Op op, String key, Fault fault) {
        injected.computeIfAbsent(op + "/" + key, k -> new ArrayDeque<>()).add(fault);
    }

    /** The member holding {@code key} is gone: every step on it fails unapplied until {@link #restore}. */
    public synchronized void lose(String key) {
        lost.add(key);
    }

    public synchronized void restore(String key) {
        lost.remove(key);
    }

    public synchronized void restoreAll() {
        lost.clear();
    }

    /** Every step from now takes {@code millis} of fake time before it answers. */
    public void slow(long millis) {
        slowMillis = millis;
    }

    /**
     * Every step from now is applied at once but answers {@code millis} of real time later (0: at once): a slow
     * member, for an executor on a real timer.
     */
    public void answerLate(long millis) {
        lateMillis = millis;
    }

    /** Applies the held-back steps now. */
    public void releaseDelayed() {
        List<Runnable> toRun;
        synchronized (this) {
            toRun = new ArrayList<>(delayed);
            delayed.clear();
        }
        toRun.forEach(Runnable::run);
    }

    /** Debit and credit calls that reached this store, faulty or not. */
    public int stepCalls() {
        return debits.get() + credits.get();
    }

    @Override
    public CompletionStage<Long> debit(String key, long nanotokens, long floorNanotokens, long transferId) {
        debits.incrementAndGet();
        return step(Op.DEBIT, key, () -> delegate.debit(key, nanotokens, floorNanotokens, transferId));
    }

    @Override
    public CompletionStage<Long> credit(String key, long nanotokens, long transferId) {
        credits.incrementAndGet();
        return step(Op.CREDIT, key, () -> delegate.credit(key, nanotokens, transferId));
    }

    private CompletionStage<Long> step(Op op, String key, Supplier<CompletionStage<Long>> apply) {
        Fault fault;
        synchronized (this) {
            if (lost.contains(key)) {
                return CompletableFuture.failedFuture(new InjectedFault("member of " + key + " is lost"));
            }
            Deque<Fault> faults = injected.get(op + "/" + key);
            fault = faults == null ? null : faults.poll();
        }
        if (slowMillis > 0) {
            clock.advance(slowMillis);
        }
        if (fault == null) {
            long late = lateMillis;
            return late == 0
                    ? apply.get()
                    : apply.get()
                            .thenApplyAsync(
                                    answer -> answer, CompletableFuture.delayedExecutor(late, TimeUnit.MILLISECONDS));
        }
        return switch (fault) {
            case FAIL_BEFORE_APPLY -> CompletableFuture.failedFuture(new InjectedFault(op + " on " + key));
            case FAIL_AFTER_APPLY ->
                apply.get()
                        .thenCompose(applied -> CompletableFuture.failedFuture(
                                new InjectedFault("answer of " + op + " on " + key + " lost")));
            case HANG_AFTER_APPLY -> {
                CompletionStage<Long> unused = apply.get(); // applied, but its answer never arrives
                yield new CompletableFuture<>();
            }
            case DELAY_APPLY -> {
                synchronized (this) {
                    delayed.add(() -> {
                        CompletionStage<Long> unused = apply.get(); // the caller's future hangs regardless
                    });
                }
                yield new CompletableFuture<>();
            }
        };
    }
}
