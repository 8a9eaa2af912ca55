package dev.tokenplane.bms.decide;

import dev.tokenplane.bms.cluster.Deadline;
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
import java.util.concurrent.CompletionStage;

/**
 * The store as the request path sees it: decisions, batches, bucket reads and the credits and debits of releases each
 * get a {@link Deadline}, so that a member that does not answer (lost, paused, partitioned) costs a caller at most
 * {@code BMS_REQUEST_TIMEOUT_MS} and a 503, never a minute. Resizes, reconfigurations, drains, removals and sweeps
 * pass through unchanged: they are not on a caller's path, or follow a write that is already acknowledged.
 */
public final class DeadlineBucketStore extends ForwardingBucketStore {
    private final Deadline deadline;

    public DeadlineBucketStore(BucketStore delegate, Deadline deadline) {
        super(delegate);
        this.deadline = deadline;
    }

    @Override
    public CompletionStage<AcquireResult> acquire(String key, BucketSpec spec, long tokens, long maxWaitMs) {
        return deadline.on(delegate.acquire(key, spec, tokens, maxWaitMs));
    }

    @Override
    public CompletionStage<AcquireResult> acquire(
            String key, BucketSpec spec, long tokens, long maxWaitMs, long reservePpm) {
        return deadline.on(delegate.acquire(key, spec, tokens, maxWaitMs, reservePpm));
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
    public CompletionStage<Map<String, BucketState>> getAll(Collection<String> keys) {
        return deadline.on(delegate.getAll(keys));
    }

    @Override
    public CompletionStage<Long> debit(String key, long nanotokens, long floorNanotokens, long transferId) {
        return deadline.on(delegate.debit(key, nanotokens, floorNanotokens, transferId));
    }

    @Override
    public CompletionStage<Long> credit(String key, long nanotokens, long transferId) {
        return deadline.on(delegate.credit(key, nanotokens, transferId));
    }

    /** The wrapped store belongs to the member: closing this view leaves it open. */
    @Override
    public void close() {}
}
