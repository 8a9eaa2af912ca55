package dev.tokenplane.bms.support;

import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.DemandSample;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the store calls the BMS makes, and passes them on. */
public final class CountingStore implements BucketStore {
    private final BucketStore delegate;
    public final AtomicLong acquires = new AtomicLong();
    public final AtomicLong acquireAlls = new AtomicLong();
    public final AtomicLong acquireAllCommands = new AtomicLong();
    /** The keys of the resize calls, in order. */
    public final Queue<String> resized = new ConcurrentLinkedQueue<>();

    public CountingStore(BucketStore delegate) {
        this.delegate = delegate;
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
    public CompletionStage<Optional<BucketState>> get(String key) {
        return delegate.get(key);
    }

    @Override
    public CompletionStage<Long> debit(String key, long nanotokens, long floorNanotokens, long transferId) {
        return delegate.debit(key, nanotokens, floorNanotokens, transferId);
    }

    @Override
    public CompletionStage<Long> credit(String key, long nanotokens, long transferId) {
        return delegate.credit(key, nanotokens, transferId);
    }

    @Override
    public CompletionStage<Optional<BucketState>> resize(String key, long capacity, long ratePerMilli) {
        resized.add(key);
        return delegate.resize(key, capacity, ratePerMilli);
    }

    @Override
    public CompletionStage<Optional<DemandSample>> drainDemand(String key) {
        return delegate.drainDemand(key);
    }

    @Override
    public CompletionStage<Map<String, DemandSample>> drainDemandAll(Collection<String> keys) {
        return delegate.drainDemandAll(keys);
    }

    @Override
    public CompletionStage<Boolean> remove(String key) {
        return delegate.remove(key);
    }

    @Override
    public int evictIdle() {
        return delegate.evictIdle();
    }

    @Override
    public Collection<String> ownedKeys() {
        return delegate.ownedKeys();
    }

    @Override
    public long size() {
        return delegate.size();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
