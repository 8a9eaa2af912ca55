package dev.tokenplane.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A {@link BucketStore} that passes every call on to another: the base of decorators, which override only the calls
 * they change (the BMS's request deadlines; in tests, the calls they count or break).
 */
public abstract class ForwardingBucketStore implements BucketStore {
    protected final BucketStore delegate;

    protected ForwardingBucketStore(BucketStore delegate) {
        this.delegate = delegate;
    }

    /** The wrapped store. */
    public BucketStore delegate() {
        return delegate;
    }

    @Override
    public CompletionStage<AcquireResult> acquire(String key, BucketSpec spec, long tokens, long maxWaitMs) {
        return delegate.acquire(key, spec, tokens, maxWaitMs);
    }

    @Override
    public CompletionStage<List<AcquireResult>> acquireAll(List<AcquireCommand> commands) {
        return delegate.acquireAll(commands);
    }

    @Override
    public CompletionStage<Optional<BucketState>> get(String key) {
        return delegate.get(key);
    }

    @Override
    public CompletionStage<Map<String, BucketState>> getAll(Collection<String> keys) {
        return delegate.getAll(keys);
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
        return delegate.resize(key, capacity, ratePerMilli);
    }

    @Override
    public CompletionStage<Optional<BucketState>> resize(
            String key, long capacity, long ratePerMilli, long generation) {
        return delegate.resize(key, capacity, ratePerMilli, generation);
    }

    @Override
    public CompletionStage<Optional<BucketState>> reconfigure(String key, BucketSpec spec) {
        return delegate.reconfigure(key, spec);
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
