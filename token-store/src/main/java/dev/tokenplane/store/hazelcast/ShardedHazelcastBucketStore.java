package dev.tokenplane.store.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.spi.merge.PutIfAbsentMergePolicy;
import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.DemandSample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * An experimental {@link BucketStore} layout, opt-in and not used by the BMS: buckets grouped per partition. The map
 * holds one entry per (partition, shard), a {@link BucketShard} of the states of the buckets whose key falls in that
 * partition and shard, in {@code OBJECT} format and changed in place by a {@link ShardProcessor} on the partition's
 * thread. A single call is one entry processor on the bucket's shard entry, as in {@link HazelcastBucketStore}; a
 * batch is one call per owning member with, per partition, one processor pass per touched shard entry instead of one
 * per bucket. BENCHMARKS.md measures it against the one-entry-per-bucket layout; docs/scaling.md says what adopting it
 * would cost.
 *
 * <p>Differences from {@link HazelcastBucketStore}: no per-entry TTL ({@link IdleExpiry#SWEEP} only: idle buckets go
 * in {@link #evictIdle()}, which passes over every shard entry this member owns), no split-brain merge per bucket
 * (entries merge whole, put-if-absent), no entry events per bucket, no Hazelcast client (the constructor refuses one),
 * and {@link #size()} and {@link #ownedKeys()} visit every shard entry.
 *
 * <p>Thread-safe. The map and the member belong to the caller.
 */
public final class ShardedHazelcastBucketStore implements BucketStore {

    private final IMap<ShardKey, BucketShard> map;
    private final HazelcastInternals internals;
    private final int shardsPerPartition;
    /** For each partition, an integer key that Hazelcast places in it: the {@link ShardKey}s' partition key. */
    private final int[] anchors;

    private final Executor completions;

    /**
     * Sets up {@code mapName} on a member's {@code config} as {@link HazelcastBucketStore#configure} does (the
     * serializers, the member's clock and creation gate), then gives it the sharded layout's settings: {@code OBJECT}
     * format, whole-entry put-if-absent merges.
     */
    public static Config configure(Config config, String mapName, BucketMapSettings settings) {
        HazelcastBucketStore.configure(config, mapName, settings.withIdleExpiry(IdleExpiry.SWEEP));
        config.getMapConfig(mapName)
                .setInMemoryFormat(InMemoryFormat.OBJECT)
                .getMergePolicyConfig()
                .setPolicy(PutIfAbsentMergePolicy.class.getName());
        return config;
    }

    /**
     * A store over {@code mapName} on a member whose config went through {@link #configure}.
     *
     * @param shardsPerPartition how many entries a partition's buckets are spread over (1 or more)
     * @param completions        runs the completion of every returned stage; null for the Hazelcast thread that
     *                           received the answer
     */
    public ShardedHazelcastBucketStore(
            HazelcastInstance member, String mapName, int shardsPerPartition, Executor completions) {
        if (shardsPerPartition < 1) {
            throw new IllegalArgumentException("shardsPerPartition must be at least 1, got " + shardsPerPartition);
        }
        this.map = member.getMap(mapName);
        this.internals = HazelcastInternals.ofMember(map)
                .orElseThrow(() ->
                        new IllegalStateException("the sharded bucket store runs on a Hazelcast member, not a client"));
        this.shardsPerPartition = shardsPerPartition;
        this.anchors = anchors(member.getPartitionService().getPartitions().size());
        this.completions = completions != null ? completions : Runnable::run;
    }

    /** The first integer that lands in each partition. */
    private int[] anchors(int partitionCount) {
        int[] found = new int[partitionCount];
        Arrays.fill(found, -1);
        int missing = partitionCount;
        for (int n = 0; missing > 0; n++) {
            int p = internals.partitionOf(n);
            if (found[p] < 0) {
                found[p] = n;
                missing--;
            }
        }
        return found;
    }

    /** The entry that holds {@code bucketKey}: in the bucket key's own partition. */
    private ShardKey shardOf(String bucketKey) {
        int shard = shardsPerPartition == 1 ? 0 : Math.floorMod(bucketKey.hashCode(), shardsPerPartition);
        return new ShardKey(anchors[internals.partitionOf(bucketKey)], shard);
    }

    @Override
    public CompletionStage<AcquireResult> acquire(String key, BucketSpec spec, long tokens, long maxWaitMs) {
        return one(key, new BucketProcessors.Acquire(false, spec, tokens, maxWaitMs));
    }

    @Override
    public CompletionStage<AcquireResult> acquire(
            String key, BucketSpec spec, long tokens, long maxWaitMs, long reservePpm) {
        return one(key, new BucketProcessors.Acquire(false, spec, tokens, maxWaitMs, reservePpm));
    }

    @Override
    public CompletionStage<List<AcquireResult>> acquireAll(List<AcquireCommand> commands) {
        if (commands.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        Map<String, KeyCommands> byKey = KeyCommands.byKey(commands);
        return many(
                byKey.keySet(),
                mine -> {
                    Map<String, KeyCommands> theirs = new HashMap<>(mine.size() * 2);
                    for (String key : mine) {
                        theirs.put(key, byKey.get(key));
                    }
                    return new MultiKeyProcessors.AcquireBatch(false, theirs);
                },
                ShardProcessor.Answer.RESULT_BYTES,
                responses -> {
                    AcquireResult[] answer = new AcquireResult[commands.size()];
                    for (byte[] results : internals.<byte[]>values(responses)) {
                        ResultArrays.decodeInto(results, answer);
                    }
                    return Arrays.asList(answer);
                });
    }

    @Override
    public CompletionStage<Optional<BucketState>> get(String key) {
        return one(key, new BucketProcessors.Read()).thenApply(Optional::ofNullable);
    }

    @Override
    public CompletionStage<Map<String, BucketState>> getAll(Collection<String> keys) {
        return byKey(keys, new BucketProcessors.Read());
    }

    @Override
    public CompletionStage<Long> debit(String key, long nanotokens, long floorNanotokens, long transferId) {
        return one(key, new BucketProcessors.Debit(false, nanotokens, floorNanotokens, transferId));
    }

    @Override
    public CompletionStage<Long> credit(String key, long nanotokens, long transferId) {
        return one(key, new BucketProcessors.Credit(false, nanotokens, transferId));
    }

    @Override
    public CompletionStage<Optional<BucketState>> resize(String key, long capacity, long ratePerMilli) {
        BucketSpec.checkSize(capacity, ratePerMilli);
        return one(key, new BucketProcessors.Resize(false, capacity, ratePerMilli))
                .thenApply(Optional::ofNullable);
    }

    @Override
    public CompletionStage<Optional<BucketState>> resize(
            String key, long capacity, long ratePerMilli, long generation) {
        BucketSpec.checkSize(capacity, ratePerMilli);
        return one(key, new BucketProcessors.Resize(false, capacity, ratePerMilli, generation))
                .thenApply(Optional::ofNullable);
    }

    @Override
    public CompletionStage<Optional<BucketState>> reconfigure(String key, BucketSpec spec) {
        return one(key, new BucketProcessors.Reconfigure(false, spec)).thenApply(Optional::ofNullable);
    }

    @Override
    public CompletionStage<Optional<DemandSample>> drainDemand(String key) {
        return one(key, new MultiKeyProcessors.DrainDemand(false)).thenApply(Optional::ofNullable);
    }

    @Override
    public CompletionStage<Map<String, DemandSample>> drainDemandAll(Collection<String> keys) {
        return byKey(keys, new MultiKeyProcessors.DrainDemand(false));
    }

    @Override
    public CompletionStage<Boolean> remove(String key) {
        return one(key, new BucketProcessors.Remove());
    }

    /** One pass over every shard entry this member owns, removing the buckets that are evictable at its now. */
    @Override
    public int evictIdle() {
        return sumOverOwnedEntries(new MultiKeyProcessors.EvictIfIdle(), ShardProcessor.Answer.COUNT);
    }

    @Override
    public Collection<String> ownedKeys() {
        Set<ShardKey> owned = map.localKeySet();
        if (owned.isEmpty()) {
            return Set.of();
        }
        Collection<String[]> perEntry = internals
                .invokeOnPartitions(
                        owned, k -> ShardProcessor.everyBucket(new BucketProcessors.Read(), ShardProcessor.Answer.KEYS))
                .thenApply(internals::<String[]>values)
                .join();
        List<String> keys = new ArrayList<>();
        perEntry.forEach(k -> keys.addAll(Arrays.asList(k)));
        return keys;
    }

    @Override
    public long size() {
        Map<ShardKey, Object> counts = map.executeOnEntries(
                ShardProcessor.everyBucket(new BucketProcessors.Read(), ShardProcessor.Answer.COUNT));
        return counts.values().stream().mapToLong(c -> (Integer) c).sum();
    }

    private int sumOverOwnedEntries(BucketProcessor<?> bucket, ShardProcessor.Answer answer) {
        Set<ShardKey> owned = map.localKeySet();
        if (owned.isEmpty()) {
            return 0;
        }
        return internals
                .invokeOnPartitions(owned, k -> ShardProcessor.everyBucket(bucket, answer))
                .thenApply(internals::<Integer>values)
                .join()
                .stream()
                .mapToInt(Integer::intValue)
                .sum();
    }

    @Override
    public void close() {
        // nothing runs in the background: idle buckets go when evictIdle() is called
    }

    /** One bucket processor on one bucket's shard entry. */
    private <T> CompletionStage<T> one(String key, BucketProcessor<T> bucket) {
        ShardKey shard = shardOf(key);
        ShardProcessor processor =
                new ShardProcessor(new String[] {key}, new int[] {shard.shard()}, bucket, ShardProcessor.Answer.ONE);
        return complete(internals.executeOnKey(shard, processor), internals::<T>decode);
    }

    /** {@code bucket} on many keys: one call per owning member, one pass per touched shard entry. */
    private <R> CompletionStage<R> many(
            Collection<String> keys,
            Function<List<String>, BucketProcessor<?>> bucketFor,
            ShardProcessor.Answer answer,
            Function<Map<Integer, Object>, R> decode) {
        Map<ShardKey, List<String>> byShard = new LinkedHashMap<>();
        for (String key : keys) {
            byShard.computeIfAbsent(shardOf(key), s -> new ArrayList<>(2)).add(key);
        }
        return complete(
                internals.invokeOnPartitions(byShard.keySet(), shardKeys -> {
                    List<String> mine = new ArrayList<>();
                    List<Integer> shards = new ArrayList<>();
                    for (ShardKey s : shardKeys) {
                        for (String key : byShard.get(s)) {
                            mine.add(key);
                            shards.add(s.shard());
                        }
                    }
                    return new ShardProcessor(
                            mine.toArray(String[]::new),
                            shards.stream().mapToInt(Integer::intValue).toArray(),
                            bucketFor.apply(mine),
                            answer);
                }),
                decode);
    }

    /** {@code bucket} on many keys, answering each existing bucket's result by key. */
    private <T> CompletionStage<Map<String, T>> byKey(Collection<String> keys, BucketProcessor<T> bucket) {
        if (keys.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        return many(Set.copyOf(keys), mine -> bucket, ShardProcessor.Answer.BY_KEY, responses -> {
            Map<String, T> all = new HashMap<>();
            for (Map<String, T> part : internals.<Map<String, T>>values(responses)) {
                all.putAll(part);
            }
            return all;
        });
    }

    private <T, R> CompletionStage<R> complete(CompletionStage<T> call, Function<? super T, ? extends R> mapping) {
        return HazelcastBucketStore.completeOn(completions, call, mapping);
    }
}
