package dev.tokenplane.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where buckets live, and the atomic operations on them.
 *
 * <p>Every operation on one key is atomic: it reads the bucket, applies one {@link BucketMath} function at the store's
 * current time and writes the result, with no other operation on that key in between. Operations are non-blocking:
 * they return a {@link CompletionStage} that a Vert.x handler can compose without blocking its event loop. Whose clock
 * gives the time is the implementation's business (the local store's injected clock; the owning Hazelcast member's wall
 * clock), never a {@code nanoTime} compared across JVMs.
 *
 * <p>Implementations are thread-safe. All of them pass the same contract test suite.
 */
public interface BucketStore extends AutoCloseable {

    /**
     * Refill, then take or reserve {@code tokens} from the bucket at {@code key}, creating it from {@code spec} on first
     * use (and resetting it to {@code spec} when the spec's generation changed). See {@link BucketMath#acquire}.
     */
    CompletionStage<AcquireResult> acquire(String key, BucketSpec spec, long tokens, long maxWaitMs);

    /**
     * {@link #acquire(String, BucketSpec, long, long)} for a request whose class must leave {@code reservePpm} parts
     * per million of the capacity in the bucket ({@link BucketMath#acquire(BucketState, BucketSpec, long, long, long,
     * long)}), checked in the same atomic step as the take. This default sends a reserve other than 0 as a batch of one
     * ({@link #acquireAll}, atomic per key); stores override it with a direct call.
     */
    default CompletionStage<AcquireResult> acquire(
            String key, BucketSpec spec, long tokens, long maxWaitMs, long reservePpm) {
        if (reservePpm == 0) {
            return acquire(key, spec, tokens, maxWaitMs);
        }
        return acquireAll(List.of(new AcquireCommand(key, spec, tokens, maxWaitMs, reservePpm)))
                .thenApply(results -> results.get(0));
    }

    /**
     * Many decisions in as few remote calls as the store can make (one per owning member for Hazelcast). Results come in
     * the order of {@code commands}; commands on the same key are applied in their order.
     */
    CompletionStage<List<AcquireResult>> acquireAll(List<AcquireCommand> commands);

    /** The bucket refilled up to now, without writing anything; empty when there is no bucket. */
    CompletionStage<Optional<BucketState>> get(String key);

    /**
     * Take up to {@code nanotokens} from an existing bucket, leaving at least {@code floorNanotokens}. Returns what was
     * taken: 0 when there is no bucket or nothing above the floor.
     */
    default CompletionStage<Long> debit(String key, long nanotokens, long floorNanotokens) {
        return debit(key, nanotokens, floorNanotokens, BucketMath.NO_TRANSFER);
    }

    /**
     * {@link #debit(String, long, long)} as a step of transfer {@code transferId}: retried with the same id, it is
     * applied once and answers what it took the first time. A step the bucket cannot vouch for (forgotten, or no bucket)
     * answers {@link BucketMath#STEP_FORGOTTEN} and applies nothing. See {@link BucketMath#debit(BucketState, long, long,
     * long, long)}.
     */
    CompletionStage<Long> debit(String key, long nanotokens, long floorNanotokens, long transferId);

    /**
     * Add up to {@code nanotokens} to an existing bucket, never above its burst. Returns what was accepted: 0 when there
     * is no bucket. Nothing is created: the caller returns the rest to its source.
     */
    default CompletionStage<Long> credit(String key, long nanotokens) {
        return credit(key, nanotokens, BucketMath.NO_TRANSFER);
    }

    /**
     * {@link #credit(String, long)} as a step of transfer {@code transferId}: retried with the same id, it is applied
     * once and answers what it accepted the first time, or {@link BucketMath#STEP_FORGOTTEN} as for a debit.
     */
    CompletionStage<Long> credit(String key, long nanotokens, long transferId);

    /** Set an existing bucket's capacity and refill, keeping its tokens clamped. Empty when there is no bucket. */
    CompletionStage<Optional<BucketState>> resize(String key, long capacity, long ratePerMilli);

    /**
     * {@link #resize(String, long, long)} only while the bucket still carries {@code generation} (see
     * {@link BucketMath#resizeIf}). Empty when there is no bucket or it carries another generation: a resize computed
     * from a state read earlier (the sizing loop's) never lands after an override or a rule change that came in since.
     */
    CompletionStage<Optional<BucketState>> resize(String key, long capacity, long ratePerMilli, long generation);

    /**
     * Give an existing bucket {@code spec}'s capacity, refill, algorithm and generation at once, keeping its tokens
     * clamped (see {@link BucketMath#adopt}); nothing is created. The new generation fences resizes computed before.
     * Empty when there is no bucket.
     */
    CompletionStage<Optional<BucketState>> reconfigure(String key, BucketSpec spec);

    /**
     * {@link #get(String)} for many keys in as few calls as the store can make (one per owning member for Hazelcast).
     * The answer maps each key that has a bucket to its state, refilled to now; keys without one are left out. Each
     * bucket is read atomically; the buckets are not read together. This default makes one call per key, all at once.
     */
    default CompletionStage<Map<String, BucketState>> getAll(Collection<String> keys) {
        List<String> list = List.copyOf(keys);
        List<CompletableFuture<Optional<BucketState>>> calls = new ArrayList<>(list.size());
        for (String key : list) {
            calls.add(get(key).toCompletableFuture());
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<String, BucketState> states = new HashMap<>(list.size() * 2);
            for (int i = 0; i < list.size(); i++) {
                int at = i;
                calls.get(i).join().ifPresent(s -> states.put(list.get(at), s));
            }
            return states;
        });
    }

    /** Read and reset an existing bucket's demand counters. Empty when there is no bucket. */
    CompletionStage<Optional<DemandSample>> drainDemand(String key);

    /**
     * {@link #drainDemand(String)} for many keys in as few calls as the store can make (one per owning member for
     * Hazelcast, which is a local call for the keys of {@link #ownedKeys()}). The answer maps each key that has a bucket
     * to its sample; keys without one are left out. Each key is drained atomically; the keys are not drained together.
     * This default makes one call per key, all at once.
     */
    default CompletionStage<Map<String, DemandSample>> drainDemandAll(Collection<String> keys) {
        List<String> list = List.copyOf(keys);
        List<CompletableFuture<Optional<DemandSample>>> calls = new ArrayList<>(list.size());
        for (String key : list) {
            calls.add(drainDemand(key).toCompletableFuture());
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<String, DemandSample> samples = new HashMap<>(list.size() * 2);
            for (int i = 0; i < list.size(); i++) {
                int at = i;
                calls.get(i).join().ifPresent(s -> samples.put(list.get(at), s));
            }
            return samples;
        });
    }

    /** Remove the bucket; true if there was one. */
    CompletionStage<Boolean> remove(String key);

    /**
     * Evict the idle buckets this member owns (see {@link BucketMath#isEvictable}). Returns how many were evicted.
     * Stores that sweep on their own schedule also expose it here so that callers and tests can force a sweep.
     */
    int evictIdle();

    /** Keys of the buckets whose state this member owns (every key, for a single-process store). */
    Collection<String> ownedKeys();

    /** The number of buckets in the whole store. */
    long size();

    /** Stops background work; the store's backing state is left to its owner. */
    @Override
    void close();
}
