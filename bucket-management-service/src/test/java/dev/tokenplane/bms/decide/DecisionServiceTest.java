package dev.tokenplane.bms.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.tokenplane.bms.budget.BucketBudget;
import dev.tokenplane.bms.metrics.BmsMetrics;
import dev.tokenplane.bms.rules.BucketOverride;
import dev.tokenplane.bms.rules.InvalidInputException;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.RuleIndex;
import dev.tokenplane.bms.rules.StoreKey;
import dev.tokenplane.bms.rules.TestRule;
import dev.tokenplane.bms.spi.Borrower;
import dev.tokenplane.bms.stats.DecisionStats;
import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.FakeClock;
import dev.tokenplane.store.ForwardingBucketStore;
import dev.tokenplane.store.Tokens;
import dev.tokenplane.store.local.LocalBucketStore;
import dev.tokenplane.transfer.PoolSettings;
import dev.tokenplane.transfer.SettingsLayer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DecisionService} alone: the real local store, a fake clock, rules and overrides held in memory. No HTTP, no
 * cluster, no sleeping: time moves only when a test advances it.
 */
class DecisionServiceTest {
    private final FakeClock clock = new FakeClock(1_000_000);
    private final List<Rule> rules = new ArrayList<>();
    private final Map<String, BucketOverride> overrides = new ConcurrentHashMap<>();
    private final PoolSettings pools = new PoolSettings();
    private final List<Borrower.Request> borrowed = new ArrayList<>();
    private BucketStore store = new LocalBucketStore(clock);
    private DecisionService decisions;

    @AfterEach
    void close() throws Exception {
        store.close();
    }

    @Test
    void shouldGrantUntilTheBucketIsEmptyThenDenyUntilItRefills() {
        rule("api", "api:*", 3, 1, null);

        assertThat(List.of(acquire("api:x", 1), acquire("api:x", 1), acquire("api:x", 1)))
                .extracting(Decision::granted, Decision::remaining)
                .containsExactly(tuple(true, 2L), tuple(true, 1L), tuple(true, 0L));
        Decision denied = acquire("api:x", 1);
        assertThat(denied.granted()).isFalse();
        assertThat(denied.retryAfterMs()).isEqualTo(1_000);
        assertThat(denied.ruleId()).isEqualTo("api");

        clock.advance(999);
        assertThat(acquire("api:x", 1).granted()).isFalse();
        clock.advance(1);
        assertThat(acquire("api:x", 1).granted()).isTrue();
        clock.advance(10_000);
        assertThat(acquire("api:x", 1).remaining())
                .as("refilled to its capacity, no further")
                .isEqualTo(2);
    }

    @Test
    void shouldLetAnOverrideWinOverItsRuleWhileItHolds() {
        rule("api", "api:*", 10, 5, null);
        overrides.put("api:vip", new BucketOverride("api:vip", 2, 0.5, clock.millis() + 60_000, null, 1, 0));

        Decision pinned = acquire("api:vip", 1);
        assertThat(pinned.capacity()).isEqualTo(2);
        assertThat(pinned.refillPerSecond()).isEqualTo(0.5);
        assertThat(acquire("api:vip", 1).granted()).isTrue();
        assertThat(acquire("api:vip", 1).granted()).isFalse();
        assertThat(acquire("api:other", 1).capacity())
                .as("another key keeps its rule")
                .isEqualTo(10);

        clock.advance(60_000); // the override expires: the bucket is reset to its rule's spec
        Decision after = acquire("api:vip", 1);
        assertThat(after.capacity()).isEqualTo(10);
        assertThat(after.refillPerSecond()).isEqualTo(5);
    }

    @Test
    void shouldKeepAClientRulesBucketApartFromThePlainRulesBucketOfTheSameKey() {
        rule("plain", "orders:*", 1, 0.001, null);
        rule("per-client", "orders:{client}:*", 1, 0.001, null);

        Decision acme = acquire("orders:acme:pay", 1, "acme");
        assertThat(acme.ruleId()).isEqualTo("per-client");
        assertThat(acquire("orders:acme:pay", 1, "acme").granted()).isFalse();
        Decision anonymous = acquire("orders:acme:pay", 1, null);
        assertThat(anonymous.ruleId()).isEqualTo("plain");
        assertThat(anonymous.granted()).as("its own bucket, not acme's").isTrue();
        Decision globex = acquire("orders:acme:pay", 1, "globex");
        assertThat(globex.ruleId())
                .as("{client} stands for the caller's own id only")
                .isEqualTo("plain");
        assertThat(globex.granted()).isFalse();

        assertThat(store.get(StoreKey.scoped("orders:acme:pay", "per-client", "acme")
                                .encode())
                        .toCompletableFuture()
                        .join())
                .isPresent();
        assertThat(store.get(StoreKey.scoped("orders:acme:pay", "plain", null).encode())
                        .toCompletableFuture()
                        .join())
                .isPresent();
        assertThat(store.get("orders:acme:pay").toCompletableFuture().join()).isEmpty();
    }

    @Test
    void shouldRefuseANewBucketPastTheBudgetAndFailOnlyThatItemOfABatch() {
        BucketBudget budget = new BucketBudget(1, generation -> null, clock, warning -> {});
        store = new BudgetedStore(new LocalBucketStore(clock), budget);
        rule("api", "api:*", 5, 1, null);

        assertThat(acquire("api:first", 1).granted()).isTrue();
        assertThatThrownBy(() -> acquire("api:second", 1)).hasCauseInstanceOf(BucketBudgetExhaustedException.class);

        List<DecisionService.BatchItem> batch = decisions()
                .acquireAll(
                        List.of(
                                new DecisionService.Request("api:first", 1, 0),
                                new DecisionService.Request("api:third", 1, 0)),
                        null)
                .toCompletableFuture()
                .join();
        assertThat(batch.get(0))
                .isInstanceOfSatisfying(
                        DecisionService.Decided.class,
                        d -> assertThat(d.decision().granted()).isTrue());
        assertThat(batch.get(1))
                .isInstanceOfSatisfying(
                        DecisionService.Failed.class,
                        f -> assertThat(f.error()).isInstanceOf(BucketBudgetExhaustedException.class));
        assertThat(budget.refusals()).isEqualTo(2);
    }

    @Test
    void shouldHandTheResolvedBucketToTheBorrowerAndRetryOnceWhenItCredits() {
        rule("pooled", "pooled:*", 2, 0.001, new Rule.Transfer("p", true, true, 1, "eu", 0.1));
        overrides.put(
                "pooled:a",
                new BucketOverride(
                        "pooled:a",
                        2,
                        0.001,
                        null,
                        new BucketOverride.TransferOverride(null, null, null, 3.0, "us", null),
                        1,
                        0));

        assertThat(acquire("pooled:a", 2).granted()).isTrue();
        Decision d = acquire("pooled:a", 2);

        assertThat(d.granted()).isTrue();
        assertThat(d.borrowed()).isEqualTo(2);
        assertThat(borrowed).hasSize(1);
        BucketBinding bucket = borrowed.get(0).bucket();
        assertThat(bucket.storeKey())
                .isEqualTo(StoreKey.scoped("pooled:a", "pooled", null).encode());
        assertThat(bucket.pooled().pool()).isEqualTo("p");
        assertThat(bucket.pooled().weight())
                .as("the override's weight, resolved by the decision")
                .isEqualTo(3.0);
        assertThat(bucket.pooled().region()).isEqualTo("us");
        assertThat(borrowed.get(0).denied().remaining()).isZero();
    }

    @Test
    void shouldNotBorrowWhenTheOverrideOrThePoolSwitchesBorrowingOff() {
        rule("pooled", "pooled:*", 1, 0.001, new Rule.Transfer("p", true, true, 1, null, 0.1));
        overrides.put(
                "pooled:off",
                new BucketOverride(
                        "pooled:off",
                        1,
                        0.001,
                        null,
                        new BucketOverride.TransferOverride(null, false, null, null, null, null),
                        1,
                        0));
        acquire("pooled:off", 1);
        assertThat(acquire("pooled:off", 1).granted()).isFalse();

        pools.set("p", SettingsLayer.NONE.withCanBorrow(false));
        acquire("pooled:on", 1);
        assertThat(acquire("pooled:on", 1).granted()).isFalse();
        assertThat(borrowed).isEmpty();

        pools.set("p", SettingsLayer.NONE);
        assertThat(acquire("pooled:on", 1).borrowed())
                .as("the kill switch applies at the next decision")
                .isOne();
    }

    @Test
    void shouldRejectAKeyWithoutARuleAndARequestLargerThanTheBucket() {
        rule("api", "api:*", 3, 1, null);

        assertThatThrownBy(() -> acquire("other", 1)).hasCauseInstanceOf(NoRuleException.class);
        assertThatThrownBy(() -> acquire("api:x", 4))
                .hasCauseInstanceOf(InvalidInputException.class)
                .hasMessageContaining("capacity 3");
    }

    private void rule(String id, String match, long capacity, double refillPerSecond, Rule.Transfer transfer) {
        rules.add(TestRule.of(id, match)
                .capacity(capacity, refillPerSecond)
                .transfer(transfer)
                .build());
        decisions = null;
    }

    private Decision acquire(String key, long tokens) {
        return acquire(key, tokens, null);
    }

    private Decision acquire(String key, long tokens, String clientId) {
        return decisions()
                .acquire(new DecisionService.Request(key, tokens, 0), clientId)
                .toCompletableFuture()
                .join();
    }

    private DecisionService decisions() {
        if (decisions == null) {
            RuleIndex index = RuleIndex.of(rules);
            BucketResolver resolver = new BucketResolver(
                    () -> index,
                    (key, now) -> {
                        BucketOverride o = overrides.get(key);
                        return o != null && o.isActiveAt(now) ? o : null;
                    },
                    clock,
                    pools,
                    serverId -> null);
            decisions = new DecisionService(
                    store, resolver, this::lend, new BmsMetrics(new SimpleMeterRegistry()), clock, new DecisionStats());
        }
        return decisions;
    }

    /** A lender outside the pool: credits what was asked for to the store key the decision resolved. */
    private CompletionStage<Long> lend(Borrower.Request request) {
        borrowed.add(request);
        return store.credit(request.bucket().storeKey(), Tokens.toNano(request.tokens()))
                .thenApply(nanos -> nanos / Tokens.SCALE);
    }

    /**
     * The local store with a member's bucket budget in front of bucket creation, as the Hazelcast store applies it: an
     * acquire that would create a bucket past the budget is {@link AcquireResult.Refused}.
     */
    private static final class BudgetedStore extends ForwardingBucketStore {
        private final BucketBudget budget;

        BudgetedStore(BucketStore delegate, BucketBudget budget) {
            super(delegate);
            this.budget = budget;
        }

        @Override
        public CompletionStage<AcquireResult> acquire(String key, BucketSpec spec, long tokens, long maxWaitMs) {
            return delegate.get(key)
                    .thenCompose(existing -> existing.isPresent() || budget.tryCreate(spec)
                            ? delegate.acquire(key, spec, tokens, maxWaitMs)
                            : CompletableFuture.completedFuture(AcquireResult.Refused.of(tokens, spec)));
        }

        @Override
        public CompletionStage<List<AcquireResult>> acquireAll(List<AcquireCommand> commands) {
            List<CompletableFuture<AcquireResult>> results = new ArrayList<>();
            for (AcquireCommand c : commands) {
                results.add(
                        acquire(c.key(), c.spec(), c.tokens(), c.maxWaitMs()).toCompletableFuture());
            }
            return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                    .thenApply(
                            v -> results.stream().map(CompletableFuture::join).toList());
        }
    }
}
