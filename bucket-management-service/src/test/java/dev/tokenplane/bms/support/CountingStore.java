package dev.tokenplane.bms.support;

import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.ForwardingBucketStore;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the store calls the BMS makes, and passes them on. */
public final class CountingStore extends ForwardingBucketStore {
    public final AtomicLong acquires = new AtomicLong();
    public final AtomicLong acquireAlls = new AtomicLong();
    public final AtomicLong acquireAllCommands = new AtomicLong();
    /** Debit and credit calls (transfer steps). */
    public final AtomicLong steps = new AtomicLong();
    /** The keys of the single reads ({@code get}), in order. */
    public final Queue<String> reads = new ConcurrentLinkedQueue<>();
    /** The keys of each batched read ({@code getAll}), in order. */
    public final Queue<List<String>> batchReads = new ConcurrentLinkedQueue<>();
    /** The keys of the resize calls, in order. */
    public final Queue<String> resized = new ConcurrentLinkedQueue<>();

    public CountingStore(BucketStore delegate) {
        super(delegate);
    }

    @Override
    public CompletionStage<Optional<BucketState>> get(String key) {
        reads.add(key);
        return delegate.get(key);
    }

    @Override
    public CompletionStage<Map<String, BucketState>> getAll(Collection<String> keys) {
        batchReads.add(List.copyOf(keys));
        return delegate.getAll(keys);
    }

    @Override
    public CompletionStage<AcquireResult> acquire(String key, BucketSpec spec, long tokens, long maxWaitMs) {
        acquires.incrementAndGet();
        return delegate.acquire(key, spec, tokens, maxWaitMs);
    }

    @Override
    public CompletionStage<List<AcquireResult>> acquireAll(List<AcquireCommand> commands) {
        acquireAlls.incrementAndGet();
        acquireAllCommands.addAndGet(commands.size());
        return delegate.acquireAll(commands);
    }

    @Override
    public CompletionStage<Long> debit(String key, long nanotokens, long floorNanotokens, long transferId) {
        steps.incrementAndGet();
        return delegate.debit(key, nanotokens, floorNanotokens, transferId);
    }

    @Override
    public CompletionStage<Long> credit(String key, long nanotokens, long transferId) {
        steps.incrementAndGet();
        return delegate.credit(key, nanotokens, transferId);
    }

    @Override
    public CompletionStage<Optional<BucketState>> resize(String key, long capacity, long ratePerMilli) {
        resized.add(key);
        return delegate.resize(key, capacity, ratePerMilli);
    }

    @Override
    public CompletionStage<Optional<BucketState>> resize(
            String key, long capacity, long ratePerMilli, long generation) {
        resized.add(key);
        return delegate.resize(key, capacity, ratePerMilli, generation);
    }
}
