package dev.tokenplane.transfer.pool;

import static dev.tokenplane.transfer.exec.StoreFixture.await;

import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.FakeClock;
import dev.tokenplane.store.local.LocalBucketStore;
import dev.tokenplane.transfer.TransferPlanner;
import dev.tokenplane.transfer.TransferSettings;
import dev.tokenplane.transfer.breaker.PoolBreakers;
import dev.tokenplane.transfer.exec.FaultyBucketStore;
import dev.tokenplane.transfer.exec.ManualTimer;
import dev.tokenplane.transfer.exec.Settlement;
import dev.tokenplane.transfer.exec.StoreFixture;
import dev.tokenplane.transfer.exec.TransferExecutor;
import dev.tokenplane.transfer.exec.TransferIds;
import dev.tokenplane.transfer.exec.TransferRequest;
import dev.tokenplane.transfer.exec.TransferResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A pool of buckets on a local store, wired the way the BMS wires {@link PoolTransfers}, on a fake clock. */
final class PoolHarness implements AutoCloseable {

    final FakeClock clock = new FakeClock();
    final ManualTimer timer = new ManualTimer(clock);
    final FaultyBucketStore store = new FaultyBucketStore(new LocalBucketStore(clock), clock);
    final PoolBreakers breakers = PoolBreakers.withDefaults(clock);
    /** The settings lookup the BMS would back with rules, overrides and pool settings; changed at will by tests. */
    final Map<String, TransferSettings> settings = new ConcurrentHashMap<>();

    final Map<String, BucketSpec> specs = new LinkedHashMap<>();
    /** How many times the protocol looked up each key's settings. */
    final Map<String, Integer> lookups = new ConcurrentHashMap<>();

    /** The sizing loop's borrow limit of each key, tokens per second, sent with its snapshots; none when absent. */
    final Map<String, Double> borrowLimits = new ConcurrentHashMap<>();

    final PoolTransfers transfers;
    /** What the observer heard: "answered pool outcome" and "settled pool credited-nanos", in order. */
    final List<String> observed = new CopyOnWriteArrayList<>();

    PoolHarness() {
        TransferExecutor executor = new TransferExecutor(
                store, breakers, timer, () -> clock.millis() * 1_000_000, TransferExecutor.Settings.defaults());
        transfers = new PoolTransfers(
                new TransferPlanner(),
                executor,
                breakers,
                key -> {
                    lookups.merge(key, 1, Integer::sum);
                    return Optional.ofNullable(settings.get(key));
                },
                TransferIds.sequence(),
                clock,
                PoolTransfers.Settings.defaults(),
                new PoolTransfers.Observer() {
                    @Override
                    public void answered(String pool, TransferResult result) {
                        observed.add("answered " + pool + " " + result.outcome().label());
                    }

                    @Override
                    public void settled(String pool, TransferRequest request, Settlement settlement) {
                        observed.add("settled " + pool + " " + settlement.creditedNanos());
                    }
                });
    }

    /** A bucket of pool {@code pool} in region "eu", weight 1, no reserve, holding {@code tokens}. */
    void member(String key, BucketSpec spec, long tokens) {
        member(key, spec, tokens, new TransferSettings("pool", "eu", true, true, 1, 0));
    }

    void member(String key, BucketSpec spec, long tokens, TransferSettings s) {
        specs.put(key, spec);
        settings.put(key, s);
        StoreFixture.bucket(store, key, spec, tokens);
    }

    BucketState state(String key) {
        return await(store.get(key)).orElseThrow();
    }

    /** The sizing tick: every member's state, with {@code demand} (nanotokens) as its unserved demand. */
    RebalanceReport tick(Map<String, Long> demand) {
        List<MemberSnapshot> members = new ArrayList<>();
        for (String key : specs.keySet()) {
            members.add(MemberSnapshot.of(key, state(key), demand.getOrDefault(key, 0L))
                    .withBorrowLimitPerSecond(borrowLimits.get(key)));
        }
        return await(transfers.rebalance("pool", members));
    }

    /** A member that is not the pool's coordinator: every member's state into the view, {@code share} of it to lend. */
    void refresh(double share) {
        List<MemberSnapshot> members = new ArrayList<>();
        for (String key : specs.keySet()) {
            members.add(MemberSnapshot.of(key, state(key), 0).withBorrowLimitPerSecond(borrowLimits.get(key)));
        }
        transfers.refresh("pool", members, share);
    }

    /** An acquire on {@code key} found it {@code shortfall} nanotokens short (its settings as they are now). */
    BorrowResult borrow(String key, long shortfall) {
        BucketState s = state(key);
        return await(transfers.borrow(key, settings.get(key), shortfall, Math.max(0, s.burstNanos() - s.tokens())));
    }

    /** The bucket's traffic uses up everything it holds. */
    void consumeAll(String key) {
        await(store.debit(key, Long.MAX_VALUE, 0));
    }

    @Override
    public void close() {
        store.close();
    }
}
