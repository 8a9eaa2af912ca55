package dev.tokenplane.store.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.store.AbstractBucketStoreContractTest;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.FakeClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

class LocalBucketStoreTest extends AbstractBucketStoreContractTest {
    @Override
    protected BucketStore newStore(FakeClock clock) {
        return new LocalBucketStore(clock);
    }

    /**
     * {@code acquireNow} on many threads while another thread evicts idle buckets: each round starts with the bucket
     * full and idle (so the sweep may retire and remove it at any moment), and the threads acquire until it denies.
     * Whether a thread meets a retired bucket, a removed entry or a re-created bucket,
     * a round grants exactly one capacity: eviction never hands out tokens and never loses a grant.
     */
    @Test
    void shouldGrantExactlyTheCapacityPerRoundWhileTheSweepEvictsConcurrently() throws Exception {
        grantExactlyTheCapacityPerRound(
                (local, spec) -> local.acquireNow("key", spec, 1, 0).granted());
    }

    /** The same rounds through the allocation-free {@code tryAcquire}. */
    @Test
    void tryAcquireShouldGrantExactlyTheCapacityPerRoundWhileTheSweepEvictsConcurrently() throws Exception {
        grantExactlyTheCapacityPerRound((local, spec) -> local.tryAcquire("key", spec, 1));
    }

    @Test
    void tryAcquireShouldAnswerLikeAcquireAndCreateNothingForAnImpossibleRequest() {
        LocalBucketStore local = (LocalBucketStore) store;
        BucketSpec spec = BucketSpec.of(3, 1);
        assertThat(local.tryAcquire("k", spec, 4)).isFalse();
        assertThat(local.size()).isZero();
        assertThat(local.tryAcquire("k", spec, 2)).isTrue();
        assertThat(local.tryAcquire("k", spec, 1)).isTrue();
        assertThat(local.tryAcquire("k", spec, 1)).isFalse();
        clock.advance(1_000);
        assertThat(local.tryAcquire("k", spec, 1)).isTrue();
        assertThat(local.get("k").toCompletableFuture().join().orElseThrow().granted())
                .isEqualTo(4);
    }

    private void grantExactlyTheCapacityPerRound(BiPredicate<LocalBucketStore, BucketSpec> acquireOne)
            throws Exception {
        LocalBucketStore local = (LocalBucketStore) store;
        BucketSpec spec = BucketSpec.of(50, 50).withIdleTtlMillis(10);
        int threads = 3;
        int rounds = 300;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        long evicted = 0;
        try {
            for (int round = 0; round < rounds; round++) {
                clock.advance(5_000); // full again, and idle for longer than the TTL
                AtomicBoolean done = new AtomicBoolean();
                Future<Long> sweep = pool.submit(() -> {
                    long n = 0;
                    while (!done.get()) {
                        n += local.evictIdle();
                    }
                    return n;
                });
                List<Future<Long>> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    workers.add(pool.submit(() -> {
                        long mine = 0;
                        while (acquireOne.test(local, spec)) {
                            mine++;
                        }
                        return mine;
                    }));
                }
                long granted = 0;
                for (Future<Long> f : workers) {
                    granted += f.get(60, TimeUnit.SECONDS);
                }
                done.set(true);
                evicted += sweep.get(60, TimeUnit.SECONDS);
                assertThat(granted).as("round %d", round).isEqualTo(50);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(evicted).isLessThanOrEqualTo(rounds);
    }
}
