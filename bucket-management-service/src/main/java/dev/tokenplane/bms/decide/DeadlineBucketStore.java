package dev.tokenplane.bms.decide;

import dev.tokenplane.bms.cluster.Deadline;
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
import java.util.concurrent.CompletionStage;

/**
 * The store as the request path sees it: decisions, batches, bucket reads and the credits and debits of releases each
 * get a {@link Deadline}, so that a member that does not answer (lost, paused, partitioned) costs a caller at most
 * {@code BMS_REQUEST_TIMEOUT_MS} and a 503, never a minute. Resizes, reconfigurations, drains, removals and sweeps
 * pass through unchanged: they are not on a caller's path, or follow a write that is already acknowledged.
 */
public final class DeadlineBucketStore implements BucketStore {
    private final BucketStore delegate;
    private final Deadline deadline;

    public DeadlineBucketStore(BucketStore delegate, Deadline deadline) {
        this.delegate = delegate;
        this.deadline = deadline;
    }

    @Override
    public CompletionStage<AcquireResult> acquire(String key, BucketSpec spec, long tokens, long maxWaitMs) {
        return deadline.on(delegate.acquire(key, spec, tokens, maxWaitMs));
    }

    @Override
    public CompletionStage<List<AcquireResult>> acquireAll(List<AcquireCommand> commands) {
        return deadline.on(delegate.acquireAll(commands));
    }

    @Override
    public CompletionStage<Optional<BucketState>> get(String key) {
        return deadline.on(delegate.get(key));
    }

    @Override
    public CompletionStage<Long> debit(String key, long nanotokens, long floorNanotokens, long transferId) {
        return deadline.on(delegate.debit(key, nanotokens, floorNanotokens, transferId));
    }

    @Override
    public CompletionStage<Long> credit(String key, long nanotokens, long transferId) {
        return deadline.on(delegate.credit(key, nanotokens, transferId));
    }

    @Override
    public CompletionStage<Optional<BucketState>> resize(String key, long capacity, long ratePerMilli) {
        return delegate.resize(key, capacity, ratePerMilli);
    }

    @Override
    public CompletionStage<Optional<BucketState>> resize(String key, long capacity, long ratePerMilli,
                                                         long generation) {
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

    /** The wrapped store belongs to the member: closing this view leaves it open. */
    @Override
    public void close() {
    }
}
