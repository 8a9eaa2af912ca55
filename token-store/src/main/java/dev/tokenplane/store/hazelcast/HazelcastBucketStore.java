package dev.tokenplane.store.hazelcast;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.CompactSerializationConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MetadataPolicy;
import com.hazelcast.config.SerializationConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.ManagedContext;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.partition.PartitionService;
import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.DemandSample;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A {@link BucketStore} over a Hazelcast {@link IMap}: every operation is one entry processor that runs atomically on
 * the member owning the bucket's partition, at that member's wall-clock millis.
 *
 * <h2>Setting up a member</h2>
 * Call {@link #configure(Config, String, BucketMapSettings)} on the member's {@link Config} before starting it. It
 * registers the serializers (Compact for the values that cross the network, {@code IdentifiedDataSerializable} for the
 * processors: nothing here uses Java serialization), binds the processors to the member's clock, and sets up the map:
 * {@code OBJECT} in-memory format, one synchronous backup, idle expiry by the store's own sweep. Then create one store
 * per member with {@link #HazelcastBucketStore(HazelcastInstance, String, Executor)}.
 *
 * <h2>Entries</h2>
 * Each bucket is one entry: its key and a {@link PackedState} of about 15 bytes, with no copy of its rule. A processor
 * decodes it, runs one {@link dev.tokenplane.store.BucketMath} function, and writes back only when the state changed;
 * its backup processor copies the written bytes rather than running the logic again.
 *
 * <h2>Batches</h2>
 * {@link #acquireAll} makes one call per owning member, which gives each partition its keys and a processor carrying
 * their commands ({@link HazelcastInternals#invokeOnPartitions}); each key's commands run in order on its owner, and
 * each key answers its results with their places in the request ({@link ResultArrays}), so they are put back in request
 * order without reading the keys. Hazelcast backs up multi-key operations asynchronously, so a member that crashes may lose the last
 * batches it answered within the backup's network round trip; single-key operations are backed up before they
 * answer.
 *
 * <h2>Completions</h2>
 * Returned stages are plain {@link CompletableFuture}s completed on the {@code completions} executor: a dependent the
 * caller attaches without an executor runs there (or on the caller's thread if the stage is already complete).
 * Hazelcast's public async API cannot do this on its own (it completes through the JDK's common pool), so calls go
 * below it, through {@link HazelcastInternals}, and the store deserializes each answer on the completion executor.
 * Other Hazelcast users in the same JVM still depend on the common pool's size: see {@link RuntimeTuning}.
 *
 * <h2>On a Hazelcast client</h2>
 * The store also runs on a client of a cluster whose members went through {@link #configure} (their class path holds
 * this jar): configure the client with {@link #configureClient} first. There is no member proxy below the public API,
 * so its calls take the public API (one more hand-over per call than on a member); it owns no buckets
 * ({@link #ownedKeys()} is empty), does not sweep (each member's own store does), and {@link #evictIdle()} nominates
 * idle buckets of the whole cluster. The store contract suite runs on both paths.
 *
 * <p>Thread-safe. {@link #close()} stops the sweep; the map and the member belong to the caller.
 *
 * <p>(Over 400 lines on purpose: a sixth is this comment, and the rest is one {@link BucketStore} method per operation,
 * each a few lines handing one processor to {@code submit}, beside the static set-up its members and clients must share;
 * the processors and the calls below the public API are already in their own classes.)
 */
public final class HazelcastBucketStore implements BucketStore {

    private static final String SETTINGS_KEY_PREFIX = "tokenplane.bucket-map:";
    private static final System.Logger LOG = System.getLogger(HazelcastBucketStore.class.getName());

    private final IMap<String, byte[]> map;
    /** Calls below the public API (without its extra hop, and one per owning member for batches); null on a client. */
    private final HazelcastInternals internals;

    private final PartitionService partitions;
    private final BucketMapSettings settings;
    private final boolean entryTtl;
    private final Executor completions;
    private final ScheduledExecutorService sweeper;

    /**
     * Sets up {@code mapName} on a member's {@code config} with {@link BucketMapSettings#defaults()}. Call it before
     * the member starts; see {@link #configure(Config, String, BucketMapSettings)}.
     */
    public static Config configure(Config config, String mapName) {
        return configure(config, mapName, BucketMapSettings.defaults());
    }

    /**
     * Sets up {@code mapName} on a member's {@code config}, before the member starts:
     * <ul>
     *   <li>Compact serializers for {@link BucketState}, {@link AcquireResult}'s variants, {@link DemandSample} and
     *       {@link dev.tokenplane.store.TransferLog}, and the {@code IdentifiedDataSerializable} factory of the
     *       processors ({@link StoreDataSerializableFactory#FACTORY_ID});</li>
     *   <li>a {@link ManagedContext} that gives the processors the member's clock, wrapping any context already
     *       set (replace it afterwards and the processors fail loudly);</li>
     *   <li>the map's in-memory format, {@code backupCount} synchronous backups and no asynchronous ones, and no
     *       map-wide TTL or max-idle (see {@link IdleExpiry}).</li>
     * </ul>
     * Several bucket maps may share a member, but they share its clock.
     *
     * @return {@code config}
     * @throws IllegalArgumentException if the member was already configured with another clock or creation gate
     */
    public static Config configure(Config config, String mapName, BucketMapSettings settings) {
        ManagedContext existing = config.getManagedContext();
        if (existing instanceof BucketMemberContext member) {
            if (member.clock() != settings.clock() || member.gate() != settings.creationGate()) {
                throw new IllegalArgumentException("this member's bucket maps must share one clock and creation gate");
            }
        } else {
            config.setManagedContext(new BucketMemberContext(settings.clock(), settings.creationGate(), existing));
            addSerializers(config.getSerializationConfig());
        }
        MapConfig mapConfig = config.getMapConfig(mapName);
        mapConfig
                .setInMemoryFormat(settings.inMemoryFormat())
                .setBackupCount(settings.backupCount())
                .setAsyncBackupCount(0)
                .setTimeToLiveSeconds(MapConfig.DEFAULT_TTL_SECONDS)
                .setMaxIdleSeconds(MapConfig.DEFAULT_MAX_IDLE_SECONDS)
                // values are packed byte[], never JSON: without this, every write and every scanned entry (the sizing
                // loop's and the idle sweep's local queries) also looks up JSON metadata (BENCHMARKS.md, 05:xx)
                .setMetadataPolicy(MetadataPolicy.OFF)
                .getMergePolicyConfig()
                .setPolicy(LowerTokensMergePolicy.class.getName());
        config.getUserContext().put(SETTINGS_KEY_PREFIX + mapName, settings);
        return config;
    }

    /**
     * Sets up a Hazelcast client for a store over {@code mapName}: the serializers of {@link #configure} and the
     * settings the store reads on the client (its idle expiry, and the clock that nominates idle buckets in
     * {@link #evictIdle()}; the processors still run at each member's clock, with each member's creation gate). The
     * members must have gone through {@link #configure} for the same map.
     *
     * @return {@code config}
     */
    public static ClientConfig configureClient(ClientConfig config, String mapName, BucketMapSettings settings) {
        addSerializers(config.getSerializationConfig());
        config.getUserContext().put(SETTINGS_KEY_PREFIX + mapName, settings);
        return config;
    }

    private static void addSerializers(SerializationConfig serialization) {
        CompactSerializationConfig compact = serialization.getCompactSerializationConfig();
        for (CompactSerializer<?> serializer : CompactSerializers.all()) {
            compact.addSerializer(serializer);
        }
        serialization.addDataSerializableFactory(
                StoreDataSerializableFactory.FACTORY_ID, new StoreDataSerializableFactory());
    }

    /**
     * A store over {@code mapName} on a member whose config went through {@link #configure}, completing its stages on
     * the Hazelcast thread that received each answer (its response thread, or the partition thread for a bucket this
     * member owns). Attach only short, non-blocking dependents to them, or pass an executor.
     */
    public HazelcastBucketStore(HazelcastInstance member, String mapName) {
        this(member, mapName, null);
    }

    /**
     * A store over {@code mapName} on a member whose config went through {@link #configure}.
     *
     * @param completions runs the completion of every returned stage, for example a hand-over to the caller's Vert.x
     *                    context; null to complete on the Hazelcast thread that received the answer
     * @throws IllegalStateException if the member's config did not go through {@link #configure} for this map
     */
    public HazelcastBucketStore(HazelcastInstance member, String mapName, Executor completions) {
        Object configured = member.getUserContext().get(SETTINGS_KEY_PREFIX + mapName);
        if (!(configured instanceof BucketMapSettings s)) {
            throw new IllegalStateException("bucket map '" + mapName + "' is not configured on this member: call "
                    + "HazelcastBucketStore.configure(config, \"" + mapName + "\") before starting it");
        }
        this.settings = s;
        this.entryTtl = s.idleExpiry() == IdleExpiry.ENTRY_TTL;
        this.map = member.getMap(mapName);
        this.internals = HazelcastInternals.ofMember(map).orElse(null);
        this.partitions = member.getPartitionService();
        Executor given = completions != null ? completions : Runnable::run;
        // A client reads a Compact answer whose schema it has not seen yet with a blocking fetch, in the completion:
        // on its I/O thread (where a direct executor would run it) that fetch waits for itself. So a client's
        // completions start on the common pool, then hop to the given executor.
        this.completions =
                onMember() ? given : task -> ForkJoinPool.commonPool().execute(() -> given.execute(task));
        if (onMember()
                && s.idleExpiry() == IdleExpiry.SWEEP
                && !s.sweepInterval().isZero()) {
            this.sweeper = Executors.newSingleThreadScheduledExecutor(daemon("bucket-store-sweep-" + mapName));
            long millis = s.sweepInterval().toMillis();
            sweeper.scheduleWithFixedDelay(this::sweepQuietly, millis, millis, TimeUnit.MILLISECONDS);
        } else {
            this.sweeper = null;
        }
    }

    @Override
    public CompletionStage<AcquireResult> acquire(String key, BucketSpec spec, long tokens, long maxWaitMs) {
        return submit(key, new BucketProcessors.Acquire(entryTtl, spec, tokens, maxWaitMs), Function.identity());
    }

    @Override
    public CompletionStage<AcquireResult> acquire(
            String key, BucketSpec spec, long tokens, long maxWaitMs, long reservePpm) {
        return submit(
                key, new BucketProcessors.Acquire(entryTtl, spec, tokens, maxWaitMs, reservePpm), Function.identity());
    }

    @Override
    public CompletionStage<List<AcquireResult>> acquireAll(List<AcquireCommand> commands) {
        if (commands.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        Map<String, KeyCommands> byKey = KeyCommands.byKey(commands);
        if (byKey.size() == 1) {
            String key = commands.get(0).key();
            return submit(key, new MultiKeyProcessors.AcquireBatch(entryTtl, byKey), ResultArrays::decodeAll);
        }
        if (!onMember()) {
            return complete(
                    map.submitToKeys(byKey.keySet(), new MultiKeyProcessors.AcquireBatch(entryTtl, byKey)),
                    perKey -> inRequestOrder(commands.size(), perKey.values()));
        }
        return complete(
                internals.invokeOnPartitions(byKey.keySet(), keys -> {
                    Map<String, KeyCommands> mine = new HashMap<>(keys.size() * 2);
                    for (String key : keys) {
                        mine.put(key, byKey.get(key));
                    }
                    return new MultiKeyProcessors.AcquireBatch(entryTtl, mine);
                }),
                responses -> inRequestOrder(commands.size(), internals.<byte[]>values(responses)));
    }

    /** Each key's results, put at their places in the request (see {@link ResultArrays}). */
    private static List<AcquireResult> inRequestOrder(int size, Collection<byte[]> perKey) {
        AcquireResult[] answer = new AcquireResult[size];
        for (byte[] results : perKey) {
            ResultArrays.decodeInto(results, answer);
        }
        return Arrays.asList(answer);
    }

    @Override
    public CompletionStage<Optional<BucketState>> get(String key) {
        return submit(key, new BucketProcessors.Read(), Optional::ofNullable);
    }

    @Override
    public CompletionStage<Long> debit(String key, long nanotokens, long floorNanotokens, long transferId) {
        return submit(
                key,
                new BucketProcessors.Debit(entryTtl, nanotokens, floorNanotokens, transferId),
                Function.identity());
    }

    @Override
    public CompletionStage<Long> credit(String key, long nanotokens, long transferId) {
        return submit(key, new BucketProcessors.Credit(entryTtl, nanotokens, transferId), Function.identity());
    }

    @Override
    public CompletionStage<Optional<BucketState>> resize(String key, long capacity, long ratePerMilli) {
        BucketSpec.checkSize(capacity, ratePerMilli);
        return submit(key, new BucketProcessors.Resize(entryTtl, capacity, ratePerMilli), Optional::ofNullable);
    }

    @Override
    public CompletionStage<Optional<BucketState>> resize(
            String key, long capacity, long ratePerMilli, long generation) {
        BucketSpec.checkSize(capacity, ratePerMilli);
        return submit(
                key, new BucketProcessors.Resize(entryTtl, capacity, ratePerMilli, generation), Optional::ofNullable);
    }

    @Override
    public CompletionStage<Optional<BucketState>> reconfigure(String key, BucketSpec spec) {
        return submit(key, new BucketProcessors.Reconfigure(entryTtl, spec), Optional::ofNullable);
    }

    @Override
    public CompletionStage<Optional<DemandSample>> drainDemand(String key) {
        return submit(key, new MultiKeyProcessors.DrainDemand(entryTtl), Optional::ofNullable);
    }

    /** One call per owning member, like {@link #acquireAll}; a local one for this member's {@link #ownedKeys()}. */
    @Override
    public CompletionStage<Map<String, DemandSample>> drainDemandAll(Collection<String> keys) {
        if (keys.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        if (!onMember()) {
            return complete(
                    map.submitToKeys(Set.copyOf(keys), new MultiKeyProcessors.DrainDemand(entryTtl)),
                    HazelcastBucketStore::withoutMissing);
        }
        return complete(
                internals.invokeOnPartitions(keys, k -> new MultiKeyProcessors.DrainDemand(entryTtl)),
                responses -> withoutMissing(internals.<DemandSample>results(responses)));
    }

    /** One read-only processor call per owning member, as for the demand. */
    @Override
    public CompletionStage<Map<String, BucketState>> getAll(Collection<String> keys) {
        if (keys.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        if (!onMember()) {
            return complete(
                    map.submitToKeys(Set.copyOf(keys), new BucketProcessors.Read()),
                    HazelcastBucketStore::withoutMissing);
        }
        return complete(
                internals.invokeOnPartitions(keys, k -> new BucketProcessors.Read()),
                responses -> withoutMissing(internals.<BucketState>results(responses)));
    }

    private static <T> Map<String, T> withoutMissing(Map<String, T> samples) {
        Map<String, T> present = new HashMap<>(samples.size() * 2);
        samples.forEach((key, sample) -> {
            if (sample != null) {
                present.put(key, sample);
            }
        });
        return present;
    }

    @Override
    public CompletionStage<Boolean> remove(String key) {
        return submit(key, new BucketProcessors.Remove(), Function.identity());
    }

    /**
     * Evicts the idle buckets this member owns (on a client: of the whole cluster): a local query nominates the buckets that are
     * {@link dev.tokenplane.store.BucketMath#isEvictable} at the member's now, then one processor per partition
     * removes those that still are, atomically (a bucket used in between stays). Blocks until done.
     */
    @Override
    public int evictIdle() {
        IdlePredicate idle = new IdlePredicate(settings.clock().millis());
        Set<String> candidates = onMember() ? map.localKeySet(idle) : map.keySet(idle);
        if (candidates.isEmpty()) {
            return 0;
        }
        Map<String, Boolean> removed;
        try {
            removed = onMember() ? evictOnOwners(candidates) : evictThroughPublicApi(candidates);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while evicting idle buckets", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("evicting idle buckets failed", e.getCause());
        }
        return (int) removed.values().stream().filter(Boolean.TRUE::equals).count();
    }

    /** Below the public API: one call per owning member, each partition given only its keys. */
    private Map<String, Boolean> evictOnOwners(Set<String> candidates) throws InterruptedException, ExecutionException {
        return internals
                .invokeOnPartitions(candidates, keys -> new MultiKeyProcessors.EvictIfIdle())
                .thenApply(internals::<Boolean>results)
                .get();
    }

    /** On a client: one call per partition, since submitToKeys hands every key to each partition's operation. */
    private Map<String, Boolean> evictThroughPublicApi(Set<String> candidates)
            throws InterruptedException, ExecutionException {
        Map<Integer, Set<String>> byPartition = new HashMap<>();
        for (String key : candidates) {
            byPartition
                    .computeIfAbsent(partitions.getPartition(key).getPartitionId(), p -> new HashSet<>())
                    .add(key);
        }
        Map<String, Boolean> removed = new HashMap<>();
        for (Set<String> keys : byPartition.values()) {
            removed.putAll(map.submitToKeys(keys, new MultiKeyProcessors.EvictIfIdle())
                    .toCompletableFuture()
                    .get());
        }
        return removed;
    }

    private void sweepQuietly() {
        try {
            int evicted = evictIdle();
            LOG.log(System.Logger.Level.DEBUG, "evicted {0} idle buckets from {1}", evicted, map.getName());
        } catch (RuntimeException e) {
            // The next sweep retries; a member shutting down lands here too.
            LOG.log(System.Logger.Level.WARNING, "idle bucket sweep of " + map.getName() + " failed", e);
        }
    }

    /** The keys of the buckets whose primary copy this member holds; none on a client. */
    @Override
    public Collection<String> ownedKeys() {
        return onMember() ? map.localKeySet() : Set.of();
    }

    /** Whether this store runs on a member (below the public API through its proxy), not on a client. */
    private boolean onMember() {
        return internals != null;
    }

    @Override
    public long size() {
        return map.size();
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }

    /** One processor on one key, answered on the completion executor (see the class comment on completions). */
    private <T, R> CompletionStage<R> submit(
            String key, BucketProcessor<T> processor, Function<? super T, ? extends R> mapping) {
        if (!onMember()) {
            return complete(map.submitToKey(key, processor), mapping);
        }
        return complete(internals.executeOnKey(key, processor), data -> mapping.apply(internals.<T>decode(data)));
    }

    /** Completes a plain future on the completion executor. */
    private <T, R> CompletionStage<R> complete(CompletionStage<T> call, Function<? super T, ? extends R> mapping) {
        return completeOn(completions, call, mapping);
    }

    /** {@code call}'s value mapped by {@code mapping}, as a plain future completed on {@code completions}. */
    static <T, R> CompletionStage<R> completeOn(
            Executor completions, CompletionStage<T> call, Function<? super T, ? extends R> mapping) {
        CompletableFuture<R> result = new CompletableFuture<>();
        call.whenCompleteAsync(
                (value, failure) -> {
                    if (failure != null) {
                        result.completeExceptionally(failure);
                        return;
                    }
                    try {
                        result.complete(mapping.apply(value));
                    } catch (RuntimeException e) {
                        result.completeExceptionally(e);
                    }
                },
                completions);
        return result;
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
