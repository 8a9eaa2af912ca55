package dev.tokenplane.bms.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.decide.AtomicDecisions;
import dev.tokenplane.bms.decide.BucketResolver;
import dev.tokenplane.bms.decide.Decision;
import dev.tokenplane.bms.decide.DecisionService;
import dev.tokenplane.bms.metrics.BmsMetrics;
import dev.tokenplane.bms.rules.BucketOverride;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.RuleIndex;
import dev.tokenplane.bms.rules.RuleLookup;
import dev.tokenplane.bms.rules.StoreKey;
import dev.tokenplane.bms.rules.TestRule;
import dev.tokenplane.bms.stats.DecisionStats;
import dev.tokenplane.store.FakeClock;
import dev.tokenplane.store.local.LocalBucketStore;
import dev.tokenplane.transfer.PoolSettings;
import dev.tokenplane.transfer.TransferPlanner;
import dev.tokenplane.transfer.breaker.PoolBreakers;
import dev.tokenplane.transfer.exec.ManualTimer;
import dev.tokenplane.transfer.exec.TransferExecutor;
import dev.tokenplane.transfer.exec.TransferIds;
import dev.tokenplane.transfer.pool.MemberSnapshot;
import dev.tokenplane.transfer.pool.PoolTransfers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A decision resolves its bucket once: the real rule index and override source, each wrapped by a counter of the
 * lookups made for each key, under the real decision path (the member's {@link PoolBorrower}, {@link PoolTransfers}
 * and transfer executor, on the local store and a fake clock). An acquire (alone, in a batch or all-or-nothing), and an
 * acquire that is denied, borrows and retries, each look up the key's rule once and its override once; a second resolution anywhere on the way (the
 * borrower, the pool, the retry) would count 2.
 */
class ResolutionCountTest {
    private static final String POOL = "p";

    private final FakeClock clock = new FakeClock(1_000_000);
    private final ManualTimer timer = new ManualTimer(clock);
    private final LocalBucketStore store = new LocalBucketStore(clock);
    private final RuleIndex index = RuleIndex.of(List.of(
            rule("plain", "plain:*", 10, null),
            rule("pooled", "pooled:*", 100, new Rule.Transfer(POOL, true, true, 1, "eu", 0))));
    private final CountingRules rules = new CountingRules(index);
    private final Map<String, Integer> overrideLookups = new ConcurrentHashMap<>();
    private final BucketResolver resolver = new BucketResolver(
            () -> rules,
            (key, now) -> {
                overrideLookups.merge(key, 1, Integer::sum);
                return null;
            },
            clock,
            new PoolSettings(),
            serverId -> null);
    private final PoolBreakers breakers = PoolBreakers.withDefaults(clock);
    private final PoolTransfers transfers = new PoolTransfers(
            new TransferPlanner(),
            new TransferExecutor(
                    store, breakers, timer, () -> clock.millis() * 1_000_000, TransferExecutor.Settings.defaults()),
            breakers,
            resolver,
            TransferIds.sequence(),
            clock,
            PoolTransfers.Settings.defaults());
    private final DecisionService decisions = new DecisionService(
            store,
            resolver,
            new PoolBorrower(transfers, Runnable::run),
            new BmsMetrics(new SimpleMeterRegistry()),
            clock,
            new DecisionStats());

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void shouldResolveOnceOnTheAcquirePath() {
        acquire("plain:a", 1);
        resetCounts();

        Decision d = acquire("plain:a", 1);
        decisions
                .acquireAll(
                        List.of(
                                new DecisionService.Request("plain:b", 1, 0),
                                new DecisionService.Request("plain:c", 1, 0)),
                        null)
                .toCompletableFuture()
                .join();
        new AtomicDecisions(decisions, store, new AtomicLong()::incrementAndGet)
                .acquire(
                        List.of(
                                new DecisionService.Request("plain:d", 1, 0),
                                new DecisionService.Request("plain:e", 1, 0)),
                        null,
                        null)
                .toCompletableFuture()
                .join();

        assertThat(d.granted()).isTrue();
        assertThat(rules.lookups)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("plain:a", 1, "plain:b", 1, "plain:c", 1, "plain:d", 1, "plain:e", 1));
        assertThat(overrideLookups).containsExactlyInAnyOrderEntriesOf(rules.lookups);
    }

    @Test
    void shouldResolveOnceOnTheBorrowPath() {
        // Given a lender with spare and an empty borrower of one pool, in the pool's view (as the tick leaves it),
        // and a borrowing window that is due to roll, so the borrow recomputes the pool's spare too
        acquire("pooled:rich", 1);
        acquire("pooled:hungry", 100);
        transfers.refresh(POOL, List.of(snapshot("pooled:rich"), snapshot("pooled:hungry")), 1);
        clock.advance(PoolTransfers.Settings.defaults().window().toMillis());
        resetCounts();

        // When an acquire finds the borrower empty, borrows from the lender and retries
        Decision d = acquire("pooled:hungry", 2);
        timer.advance(1_000); // the transfers settle

        // Then the borrower's rule and override were looked up once; the lender's (other keys) do not count here
        assertThat(d.granted()).isTrue();
        assertThat(d.borrowed()).isPositive();
        assertThat(rules.lookups).containsEntry("pooled:hungry", 1);
        assertThat(overrideLookups).containsEntry("pooled:hungry", 1);
    }

    @Test
    void shouldCountASecondResolution() {
        resolver.resolve("plain:a", null, null);
        resolver.ofStoreKey(StoreKey.scoped("plain:a", "plain", null).encode());

        assertThat(rules.lookups).containsEntry("plain:a", 2);
        assertThat(overrideLookups).containsEntry("plain:a", 2);
    }

    private Decision acquire(String key, long tokens) {
        return decisions
                .acquire(new DecisionService.Request(key, tokens, 0), (String) null)
                .toCompletableFuture()
                .join();
    }

    private MemberSnapshot snapshot(String key) {
        String storeKey = StoreKey.scoped(key, "pooled", null).encode();
        return MemberSnapshot.of(
                storeKey, store.get(storeKey).toCompletableFuture().join().orElseThrow(), 0);
    }

    private void resetCounts() {
        rules.lookups.clear();
        overrideLookups.clear();
    }

    private static Rule rule(String id, String match, long capacity, Rule.Transfer transfer) {
        return TestRule.of(id, match)
                .capacity(capacity, 0.001)
                .transfer(transfer)
                .build();
    }

    /** The real index, counting the lookups made for each caller's key. */
    private static final class CountingRules implements RuleLookup {
        final Map<String, Integer> lookups = new ConcurrentHashMap<>();
        private final RuleIndex index;

        CountingRules(RuleIndex index) {
            this.index = index;
        }

        @Override
        public RuleIndex.Entry match(String key, String clientId, String tier) {
            lookups.merge(key, 1, Integer::sum);
            return index.match(key, clientId, tier);
        }

        @Override
        public RuleIndex.Entry ruleOfStoreKey(String storeKey) {
            lookups.merge(StoreKey.keyOf(storeKey), 1, Integer::sum);
            return index.ruleOfStoreKey(storeKey);
        }

        @Override
        public RuleIndex.Entry ruleOfBucket(String storeKey, long bucketGeneration, BucketOverride override) {
            lookups.merge(StoreKey.keyOf(storeKey), 1, Integer::sum);
            return index.ruleOfBucket(storeKey, bucketGeneration, override);
        }
    }
}
