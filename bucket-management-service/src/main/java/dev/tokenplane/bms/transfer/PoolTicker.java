package dev.tokenplane.bms.transfer;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.partition.Partition;
import dev.tokenplane.bms.buckets.OwnedBuckets;
import dev.tokenplane.bms.config.ConfigCodec;
import dev.tokenplane.bms.decide.BucketBinding;
import dev.tokenplane.bms.decide.BucketResolver;
import dev.tokenplane.bms.rules.BucketOverride;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.sizing.BorrowLimits;
import dev.tokenplane.bms.sizing.DemandForecasts;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.Tokens;
import dev.tokenplane.transfer.LendingReserve;
import dev.tokenplane.transfer.TransferSettings;
import dev.tokenplane.transfer.pool.MemberSnapshot;
import dev.tokenplane.transfer.pool.PoolTransfers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transfer protocol's part of each sizing tick, on every member, every {@code BMS_SIZING_INTERVAL_MS} (a periodic
 * job of its own on the member's scheduler, off the event loops, one tick at a time).
 *
 * <ol>
 *   <li><b>Snapshot.</b> The member reads the pool buckets its partitions own ({@link #candidates}, local reads) and,
 *       for each, its unserved demand since the last tick: {@code attempted − granted}, less what the last tick had
 *       already seen when the bucket's demand window is the same (the sizing loop may drain it in between; then only
 *       what came after the drain counts, never more than there was); and, for a bucket of an adaptive rule, the
 *       sizing loop's forecast of its demand over the next interval ({@link DemandForecasts}, read from the sizing
 *       states beside the buckets, local too), which a lender keeps for itself ({@link LendingReserve}), and the
 *       sizing loop's borrow limit for it ({@link BorrowLimits}, left in this member's memory by the loop's last tick),
 *       which caps what it borrows per window. The decision
 *       path lends from this view, so it looks nothing up.</li>
 *   <li><b>Share.</b> It publishes its snapshots in the map {@value #VIEWS} (one entry per member, expiring after a
 *       few ticks, so a member that left drops out) and reads every member's: the whole pool's view.</li>
 *   <li><b>Rebalance once per pool.</b> The owner of the partition of {@code "pool:" + name} is the pool's coordinator:
 *       it calls {@link PoolTransfers#rebalance}, topping up the near-empty buckets under demand. The others call
 *       {@link PoolTransfers#refresh}, renewing their view and window without moving tokens. Every member lends on
 *       the decision path out of a window of {@code 1/N} of the pool's spare (N members): with requests spread
 *       evenly, together they hand out the pool's fair shares once, not N times. Conservation does not depend on
 *       any of this (each debit is atomic and keeps the lender's reserve); fairness does.</li>
 * </ol>
 *
 * <p>Not thread-safe: the scheduler runs one tick at a time.
 */
final class PoolTicker {

    /** The map of each member's snapshots: member uuid → JSON of {@link View}. */
    static final String VIEWS = "tp.pool-views";

    private static final Logger LOG = LoggerFactory.getLogger(PoolTicker.class);

    /** One member's snapshots of the pool buckets it owns, by pool. */
    record View(Map<String, List<MemberSnapshot>> pools) {}

    private record Counters(long windowStart, long attempted, long granted) {
        long unserved() {
            return Math.max(0, attempted - granted);
        }
    }

    private final HazelcastInstance hazelcast;
    private final BucketStore store;
    private final BucketResolver resolver;
    private final PoolTransfers transfers;
    private final TransferMetrics metrics;
    private final long intervalMillis;
    /** The owned buckets that may be in a pool ({@link #candidates}): the keys a tick resolves. */
    private final Supplier<Collection<String>> candidates;

    private final DemandForecasts forecasts;
    private final BorrowLimits borrowLimits;
    private final LendingReserve reserve;

    private Map<String, Counters> lastCounters = Map.of();

    PoolTicker(
            HazelcastInstance hazelcast,
            BucketStore store,
            BucketResolver resolver,
            PoolTransfers transfers,
            TransferMetrics metrics,
            long intervalMillis,
            Supplier<Collection<String>> candidates,
            DemandForecasts forecasts,
            BorrowLimits borrowLimits) {
        this.borrowLimits = borrowLimits;
        this.candidates = candidates;
        this.forecasts = forecasts;
        this.reserve = new LendingReserve(Duration.ofMillis(intervalMillis));
        this.hazelcast = hazelcast;
        this.store = store;
        this.resolver = resolver;
        this.transfers = transfers;
        this.metrics = metrics;
        this.intervalMillis = intervalMillis;
    }

    /** One tick. Blocks (cluster reads and writes, waiting for the coordinator's transfers): call it on a worker. */
    void tick() throws Exception {
        if (!hazelcast.getLifecycleService().isRunning()) {
            return;
        }
        IMap<String, String> views = hazelcast.getMap(VIEWS);
        String self = hazelcast.getCluster().getLocalMember().getUuid().toString();
        views.set(
                self,
                ConfigCodec.write(new View(ownSnapshots())),
                Math.max(5_000, 3 * intervalMillis),
                TimeUnit.MILLISECONDS);

        Set<Member> members = hazelcast.getCluster().getMembers();
        Set<String> ids = members.stream().map(m -> m.getUuid().toString()).collect(Collectors.toSet());
        Map<String, List<MemberSnapshot>> byPool = new TreeMap<>();
        for (String json : views.getAll(ids).values()) {
            ConfigCodec.read(json, View.class)
                    .pools()
                    .forEach((pool, snapshots) ->
                            byPool.computeIfAbsent(pool, p -> new ArrayList<>()).addAll(snapshots));
        }
        transfers.pools().forEach(pool -> byPool.putIfAbsent(pool, List.of())); // emptied pools: clear their view

        double share = 1.0 / members.size();
        List<CompletableFuture<?>> moving = new ArrayList<>();
        for (Map.Entry<String, List<MemberSnapshot>> pool : byPool.entrySet()) {
            metrics.pool(pool.getKey());
            if (isCoordinator(hazelcast, pool.getKey())) {
                moving.add(transfers
                        .rebalance(pool.getKey(), pool.getValue(), share)
                        .toCompletableFuture());
            } else {
                transfers.refresh(pool.getKey(), pool.getValue(), share);
            }
        }
        try {
            CompletableFuture.allOf(moving.toArray(CompletableFuture[]::new))
                    .get(intervalMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.debug("transfers of the tick still running after {} ms", intervalMillis);
        }
    }

    /** Snapshots of the pool buckets this member owns, by pool, with their unserved demand since the last tick. */
    private Map<String, List<MemberSnapshot>> ownSnapshots() throws Exception {
        Collection<String> keys = candidates.get();
        if (keys.isEmpty()) {
            lastCounters = Map.of();
            return new TreeMap<>();
        }
        // A bucket's store key names its rule (and client), so the pool buckets are known without reading any.
        Map<String, TransferSettings> pooled = new HashMap<>();
        Map<String, CompletableFuture<Optional<BucketState>>> reads = new LinkedHashMap<>();
        Map<String, Rule.Adaptive> adaptive = new HashMap<>();
        for (String key : keys) {
            BucketBinding bucket = resolver.ofStoreKey(key);
            if (bucket != null && bucket.pooled() != null) {
                pooled.put(key, bucket.pooled());
                reads.put(key, store.get(key).toCompletableFuture());
                if (bucket.rule().adaptiveEnabled()) {
                    adaptive.put(key, bucket.rule().adaptive());
                }
            }
        }
        Map<String, Double> forecast = forecasts.perSecond(adaptive);
        CompletableFuture.allOf(reads.values().toArray(CompletableFuture[]::new))
                .get(Math.max(1_000, intervalMillis), TimeUnit.MILLISECONDS);

        Map<String, Counters> counters = new HashMap<>();
        Map<String, List<MemberSnapshot>> byPool = new TreeMap<>();
        for (Map.Entry<String, CompletableFuture<Optional<BucketState>>> read : reads.entrySet()) {
            String key = read.getKey();
            Optional<BucketState> found = read.getValue().join();
            if (found.isEmpty()) {
                continue;
            }
            BucketState state = found.get();
            Counters now = new Counters(state.windowStart(), state.attempted(), state.granted());
            counters.put(key, now);
            long demandNanos =
                    Math.min(unserved(now, lastCounters.get(key)), Long.MAX_VALUE / Tokens.SCALE) * Tokens.SCALE;
            byPool.computeIfAbsent(pooled.get(key).pool(), p -> new ArrayList<>())
                    .add(new MemberSnapshot(
                                    key,
                                    state.tokens(),
                                    state.capacity(),
                                    state.burstNanos(),
                                    demandNanos,
                                    reserve.forecastNanos(forecast.getOrDefault(key, 0.0), state.capacity()))
                            .withBorrowLimitPerSecond(borrowLimits.perSecond(key)));
        }
        lastCounters = counters;
        return byPool;
    }

    /**
     * The owned buckets that may be in a pool, a superset the tick narrows by resolving each: the buckets of the rules
     * that name a pool (and those from before scoping, matched by key), and those of the keys an override puts in a
     * pool. None when nothing names a pool.
     */
    static Collection<String> candidates(
            Collection<Rule> rules, Collection<BucketOverride> overrides, OwnedBuckets owned) {
        Set<String> keys = new LinkedHashSet<>();
        boolean anyPool = false;
        for (Rule r : rules) {
            if (r.transfer() != null && r.transfer().pool() != null) {
                anyPool = true;
                keys.addAll(owned.ofRule(r.id()));
            }
        }
        if (anyPool) {
            keys.addAll(owned.unscoped());
        }
        for (BucketOverride o : overrides) {
            if (OwnedBuckets.namesAPool(o)) {
                keys.addAll(owned.ofKey(o.key()));
            }
        }
        return keys;
    }

    /** Tokens asked for and not granted since {@code before} was read (all of the window when it was drained). */
    private static long unserved(Counters now, Counters before) {
        if (before == null || before.windowStart() != now.windowStart()) {
            return now.unserved();
        }
        return Math.max(0, now.unserved() - before.unserved());
    }

    /** Whether this member coordinates {@code pool}: it owns the partition of {@code "pool:" + pool}. */
    static boolean isCoordinator(HazelcastInstance hazelcast, String pool) {
        Partition partition = hazelcast.getPartitionService().getPartition("pool:" + pool);
        Member owner = partition.getOwner();
        return owner != null && owner.localMember();
    }
}
