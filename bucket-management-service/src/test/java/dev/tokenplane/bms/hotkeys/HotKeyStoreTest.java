package dev.tokenplane.bms.hotkeys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.BucketMath;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.FakeClock;
import dev.tokenplane.store.ForwardingBucketStore;
import dev.tokenplane.store.Tokens;
import dev.tokenplane.store.local.LocalBucketStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The decorator over a real (local) store on a fake clock, its expiry ticked by hand: promotion, local grants from a
 * pre-debited lease, the owner's exact denial when the lease is empty, the unused tokens going back at expiry, on
 * demotion and at close, and the bounded key map that only keys near the promotion rate enter.
 */
class HotKeyStoreTest {
    private static final String KEY = "hot";
    /** Hot above 100/s on this member, leases of 100 ms holding at most a quarter of the capacity. */
    private static final HotKeyPolicy POLICY = HotKeyPolicy.of(100, 100);
    /** Requests in one 100 ms window that get a key tracked: a quarter of the 10 that promotion needs, rounded up. */
    private static final int WARM = 3;

    private final FakeClock clock = new FakeClock(1_700_000_000_000L);
    private final LocalBucketStore owner = new LocalBucketStore(clock);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicLong ids = new AtomicLong(1);
    /** The acquires that reached the owner. */
    private final AtomicLong ownerAcquires = new AtomicLong();

    private final HotKeyStore store = new HotKeyStore(
            new ForwardingBucketStore(owner) {
                @Override
                public CompletionStage<AcquireResult> acquire(String key, BucketSpec spec, long tokens, long wait) {
                    ownerAcquires.incrementAndGet();
                    return super.acquire(key, spec, tokens, wait);
                }
            },
            POLICY,
            clock,
            3,
            ids::getAndIncrement,
            Runnable::run,
            meters);

    @AfterEach
    void close() {
        owner.close();
    }

    @Test
    void aHotKeyIsServedFromALeaseTakenFromTheOwnerInAdvance() {
        BucketSpec spec = BucketSpec.of(1_000, 1); // 1 token/s: refill is negligible here
        heatUp(spec); // 20 requests in the first 100 ms: 200/s

        AcquireResult withLease = acquire(spec, 1); // hot now: the owner grants the request and a lease
        assertThat(withLease.granted()).isTrue();
        assertThat(meters.counter("bms.hot.keys.promoted").count()).isEqualTo(1);
        long leased = (long) meters.counter("bms.hot.key.lease.tokens", "direction", "leased")
                .count();
        assertThat(leased).as("about 100 ms of 200/s").isEqualTo(20);
        assertThat(ownerTokens())
                .as("the lease left the bucket with the request")
                .isEqualTo(1_000 - 20 - 21);

        for (int i = 0; i < 10; i++) {
            assertThat(acquire(spec, 1).granted()).isTrue();
        }
        assertThat(meters.counter("bms.hot.key.local.grants").count()).isEqualTo(10);
        assertThat(ownerTokens()).as("local grants do not touch the owner").isEqualTo(1_000 - 41);

        clock.advance(100); // the lease ends: its 10 unused tokens go back
        store.tick();
        assertThat(ownerTokens()).isEqualTo(1_000 - 41 + 10);
        assertThat(meters.counter("bms.hot.key.lease.tokens", "direction", "returned")
                        .count())
                .isEqualTo(10);
    }

    @Test
    void anEmptyLeaseAsksTheOwnerAndTheDenialIsTheOwners() {
        BucketSpec spec = BucketSpec.of(40, 1); // a lease holds at most 10
        heatUp(spec); // 20 granted, 20 left
        assertThat(acquire(spec, 1).granted()).isTrue(); // 1 + a lease of 10: 9 left at the owner
        int granted = 0;
        AcquireResult last = null;
        for (int i = 0; i < 30; i++) {
            last = acquire(spec, 1);
            granted += last.granted() ? 1 : 0;
        }
        assertThat(granted)
                .as("10 from the lease, 9 from the owner, not one more")
                .isEqualTo(19);
        assertThat(last).isInstanceOf(AcquireResult.Denied.class);
        assertThat(last.remaining()).isZero();
    }

    @Test
    void aRequestAboveTheCapacityIsTheOwnersToRefuse() {
        BucketSpec spec = BucketSpec.of(40, 1);
        heatUp(spec);
        assertThat(acquire(spec, 41)).isInstanceOf(AcquireResult.Unsatisfiable.class);
        assertThat(acquire(spec, 40)).as("the owner holds 20").isInstanceOf(AcquireResult.Denied.class);
    }

    @Test
    void aLeaseDeniedForItsSizeStillGrantsTheRequest() {
        BucketSpec spec = BucketSpec.of(40, 1);
        heatUp(spec);
        owner.debit(KEY, Tokens.toNano(18), 0).toCompletableFuture().join(); // 2 left: not enough for 1 + 10
        assertThat(acquire(spec, 1).granted()).isTrue();
        assertThat(acquire(spec, 1).granted()).isTrue();
        assertThat(acquire(spec, 1).granted()).isFalse();
    }

    @Test
    void aKeyThatCoolsDownGivesItsLeaseBackAndIsForgotten() {
        BucketSpec spec = BucketSpec.of(1_000, 1);
        heatUp(spec);
        acquire(spec, 1); // takes a lease of 20
        clock.advance(50);
        store.tick(); // still hot, lease live: nothing back yet
        assertThat(ownerTokens()).isEqualTo(1_000 - 41);
        clock.advance(200); // no traffic for a window: cold
        store.tick();
        assertThat(ownerTokens()).isEqualTo(1_000 - 21);
        assertThat(meters.get("bms.hot.keys").gauge().value()).isZero();
        assertThat(store.trackedKeys())
                .as("cold, holding nothing, judged: forgotten")
                .isZero();
    }

    @Test
    void aLeaseRunningLowIsToppedUpBeforeItRunsOut() {
        BucketSpec spec = BucketSpec.of(1_000, 1);
        heatUp(spec);
        acquire(spec, 1); // a lease of 20
        for (int i = 0; i < 16; i++) {
            acquire(spec, 1); // 4 left: below a quarter, most of its time left
        }
        assertThat(meters.counter("bms.hot.key.lease.tokens", "direction", "leased")
                        .count())
                .as("20, then 16 more to bring it back to 20")
                .isEqualTo(36);
        assertThat(meters.counter("bms.hot.key.local.grants").count()).isEqualTo(16);
    }

    @Test
    void aKeyThatStaysHotIsServedLocallyPastTheEndOfItsFirstLease() {
        BucketSpec spec = BucketSpec.of(1_000_000, 1);
        heatUp(spec); // 200/s
        acquire(spec, 1); // a lease of 20: ends at 200 ms unless topped up
        long owner = ownerCalls();
        for (int i = 0; i < 200; i++) { // 1 s more at 200/s, the expiry ticked as the member does
            clock.advance(5);
            store.tick();
            assertThat(acquire(spec, 1).granted()).isTrue();
        }
        assertThat(meters.counter("bms.hot.key.local.grants").count())
                .as("every request served from the rolling lease: no gap at a lease's end sends one to the owner")
                .isEqualTo(200);
        assertThat(ownerCalls() - owner)
                .as("only top-ups reached the owner, each about 16 requests' worth")
                .isBetween(10L, 14L);
    }

    @Test
    void acquireNowGrantsFromTheLeaseOrCountsNothing() {
        BucketSpec spec = BucketSpec.of(1_000, 1);
        assertThat(store.acquireNow(KEY, spec, 1, 0))
                .as("untracked: the owner decides")
                .isNull();
        assertThat(store.trackedKeys()).as("and nothing was counted for it").isZero();
        heatUp(spec);
        acquire(spec, 1); // a lease of 20
        long owner = ownerTokens();
        AcquireResult.Granted local = store.acquireNow(KEY, spec, 1, 0);
        assertThat(local).isNotNull();
        assertThat(local.remaining())
                .as("the owner's count at its last answer (after 20 requests and the lease's 21), and the lease's 19")
                .isEqualTo(1_000 - 20 - 21 + 19);
        assertThat(ownerTokens()).as("taken from the lease, not the owner").isEqualTo(owner);
        assertThat(store.acquireNow(KEY, spec, 20, 0))
                .as("more than the lease holds")
                .isNull();
        assertThat(store.acquireNow(KEY, spec, 1, 10))
                .as("a reservation is the owner's")
                .isNull();
        assertThat(meters.counter("bms.hot.key.local.grants").count()).isEqualTo(1);
    }

    @Test
    void closingGivesEveryLeaseBack() {
        BucketSpec spec = BucketSpec.of(1_000, 1);
        heatUp(spec);
        acquire(spec, 1);
        store.close();
        assertThat(ownerTokens()).isEqualTo(1_000 - 21);
        assertThat(acquire(spec, 1).granted()).isTrue();
        assertThat(ownerTokens())
                .as("after close, every request goes to the owner")
                .isEqualTo(1_000 - 22);
        assertThat(store.trackedKeys()).isZero();
    }

    @Test
    void reservationsAndUntrackedKeysGoToTheOwner() {
        BucketSpec spec = BucketSpec.of(1_000, 1);
        for (int i = 0; i < 3; i++) {
            warmUp("k" + i, spec);
        }
        assertThat(store.trackedKeys()).as("at most 3 tracked").isEqualTo(3);
        warmUp("k3", spec);
        assertThat(store.trackedKeys()).isEqualTo(3);
        for (int i = 0; i < WARM; i++) {
            store.acquire("k4", spec, 1, 50).toCompletableFuture().join();
        }
        assertThat(store.trackedKeys()).isEqualTo(3);
    }

    @Test
    void aKeyBelowAQuarterOfThePromotionRateIsNotTracked() {
        BucketSpec spec = BucketSpec.of(1_000, 1);
        for (int window = 0; window < 5; window++) { // 2 requests per 100 ms window: 20/s, the policy's 100/s needs 10
            for (int i = 0; i < WARM - 1; i++) {
                assertThat(acquire(spec, 1).granted()).isTrue();
            }
            clock.advance(100);
        }
        assertThat(store.trackedKeys()).as("a counter, not a tracked key").isZero();
        assertThat(ownerTokens()).as("every request went to the owner").isEqualTo(1_000 - 10);

        for (int i = 0; i < WARM; i++) { // a quarter of the promotion rate within one window
            acquire(spec, 1);
        }
        assertThat(store.trackedKeys()).isEqualTo(1);
    }

    /** Requests for {@code key} within one window, enough to get it tracked (a quarter of the promotion rate). */
    private void warmUp(String key, BucketSpec spec) {
        for (int i = 0; i < WARM; i++) {
            store.acquire(key, spec, 1, 0).toCompletableFuture().join();
        }
    }

    /** 20 requests over the first 100 ms (200/s), then one at 100 ms that closes the window: hot, no lease yet. */
    private void heatUp(BucketSpec spec) {
        for (int i = 0; i < 20; i++) {
            acquire(spec, 1);
            clock.advance(5);
        }
        assertThat(meters.counter("bms.hot.key.local.grants").count()).isZero();
    }

    private AcquireResult acquire(BucketSpec spec, long tokens) {
        return store.acquire(KEY, spec, tokens, 0).toCompletableFuture().join();
    }

    /** The acquires that reached the owner (requests, leases and top-ups). */
    private long ownerCalls() {
        return ownerAcquires.get();
    }

    private long ownerTokens() {
        BucketState s = owner.get(KEY).toCompletableFuture().join().orElseThrow();
        return BucketMath.refill(s, clock.millis()).wholeTokens();
    }
}
