package dev.tokenplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The bucket maths, told in simulated time. */
class BucketMathTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final long DAY = 86_400_000L;
    private static final long YEAR = 365 * DAY;

    private static AcquireResult acquire(BucketState[] bucket, BucketSpec spec, long tokens, long maxWaitMs, long now) {
        Transition<AcquireResult> t = BucketMath.acquire(bucket[0], spec, tokens, maxWaitMs, now);
        bucket[0] = t.next();
        return t.result();
    }

    @Test
    void shouldRefillToCapacityAfterALongIdle() {
        // Given an empty bucket of 100 refilling 1 per second
        BucketState s = BucketMath.debit(BucketMath.create(BucketSpec.of(100, 1), T0), Tokens.toNano(100), 0, T0)
                .next();

        // When it sits idle for a year
        BucketState later = BucketMath.refill(s, T0 + YEAR);

        // Then it is full, not fuller
        assertThat(later.tokens()).isEqualTo(Tokens.toNano(100));
        assertThat(later.lastRefillAt()).isEqualTo(T0 + YEAR);
    }

    @Test
    void shouldRefillExactlyForPartialIntervals() {
        BucketSpec spec = BucketSpec.of(10, 3); // 3 tokens/s = 3_000_000 nanotokens per ms
        BucketState s = BucketMath.debit(BucketMath.create(spec, T0), Tokens.toNano(10), 0, T0)
                .next();

        for (int i = 1; i <= 1000; i++) {
            s = BucketMath.refill(s, T0 + i);
        }

        assertThat(s.tokens()).isEqualTo(Tokens.toNano(3));
    }

    @Test
    void shouldSurviveExtremeValuesWithoutOverflow() {
        // Given the largest bucket with a fast refill, emptied
        BucketSpec spec = BucketSpec.of(1_000_000_000L, 1_000_000);
        BucketState s = BucketMath.debit(BucketMath.create(spec, T0), Tokens.toNano(1_000_000_000L), 0, T0)
                .next();
        assertThat(s.tokens()).isZero();

        // When it idles for a year, then for ten, then the clock jumps to the end of time
        BucketState year = BucketMath.refill(s, T0 + YEAR);
        BucketState decade = BucketMath.refill(year, T0 + 10 * YEAR);
        BucketState end = BucketMath.refill(s, Long.MAX_VALUE);

        // Then each is exactly full
        assertThat(year.tokens()).isEqualTo(Tokens.toNano(1_000_000_000L));
        assertThat(decade.tokens()).isEqualTo(Tokens.toNano(1_000_000_000L));
        assertThat(end.tokens()).isEqualTo(Tokens.toNano(1_000_000_000L));

        // And the largest request with the longest wait reserves without overflow
        BucketState[] b = {s};
        AcquireResult r = acquire(b, spec, 1_000_000_000L, Long.MAX_VALUE, T0);
        assertThat(r)
                .isEqualTo(new AcquireResult.Granted(1_000_000_000L, 0, 1_000_000_000L, 1_000_000_000_000L, 1_000_000));
        assertThat(b[0].tokens()).isEqualTo(-Tokens.toNano(1_000_000_000L));
        AcquireResult denied = acquire(b, spec, 1, Long.MAX_VALUE, T0);
        assertThat(denied).isInstanceOf(AcquireResult.Denied.class);
        assertThat(((AcquireResult.Denied) denied).retryAfterMs()).isEqualTo(1);
    }

    @Test
    void shouldKeepTokensWhenCapacityGrowsAndClampThemWhenItShrinks() {
        BucketState s = BucketMath.debit(BucketMath.create(BucketSpec.of(100, 10), T0), Tokens.toNano(40), 0, T0)
                .next();

        BucketState grown = BucketMath.resize(s, 200, Tokens.ratePerMilli(20), T0);
        BucketState shrunk = BucketMath.resize(grown, 50, Tokens.ratePerMilli(5), T0);

        assertThat(grown.tokens()).isEqualTo(Tokens.toNano(60));
        assertThat(grown.capacity()).isEqualTo(200);
        assertThat(shrunk.tokens()).isEqualTo(Tokens.toNano(50));
        assertThat(BucketMath.refill(shrunk, T0 + 10_000).tokens()).isEqualTo(Tokens.toNano(50));
    }

    @Test
    void shouldRefillAtTheOldRateUpToTheResize() {
        BucketState s = BucketMath.debit(BucketMath.create(BucketSpec.of(100, 10), T0), Tokens.toNano(100), 0, T0)
                .next();

        BucketState resized = BucketMath.resize(s, 100, Tokens.ratePerMilli(1), T0 + 1_000);

        assertThat(resized.tokens()).isEqualTo(Tokens.toNano(10));
        assertThat(BucketMath.refill(resized, T0 + 2_000).tokens()).isEqualTo(Tokens.toNano(11));
    }

    @Test
    void shouldResetToANewGenerationAndIgnoreTheSameOne() {
        BucketState s = BucketMath.create(BucketSpec.of(100, 10), T0);
        BucketState resized = BucketMath.resize(s, 300, Tokens.ratePerMilli(30), T0);

        assertThat(BucketMath.adopt(resized, BucketSpec.of(100, 10), T0)).isSameAs(resized);
        BucketState reset = BucketMath.adopt(resized, BucketSpec.of(20, 2).withGeneration(7), T0);
        assertThat(reset.capacity()).isEqualTo(20);
        assertThat(reset.generation()).isEqualTo(7);
        assertThat(reset.tokens()).isEqualTo(Tokens.toNano(20));
    }

    @Test
    void shouldGiveAnExactRetryAfterOnDenial() {
        BucketSpec spec = BucketSpec.of(5, 5.0 / 60); // login protection: 5 per minute
        BucketState[] b = {null};
        for (int i = 0; i < 5; i++) {
            assertThat(acquire(b, spec, 1, 0, T0).granted()).isTrue();
        }

        AcquireResult denied = acquire(b, spec, 1, 0, T0);

        // 1 token at 83_333 nanotokens per ms takes 12_000.0048 ms, so 12_001 ms
        assertThat(denied).isEqualTo(new AcquireResult.Denied(1, 0, 5, 83_333, 12_001));
        assertThat(acquire(b, spec, 1, 0, T0 + 12_000).granted()).isFalse();
        assertThat(acquire(b, spec, 1, 0, T0 + 12_001).granted()).isTrue();
    }

    @Test
    void shouldReserveInOrderAndBoundTheQueueAtOneCapacity() {
        // Given an empty token bucket of 4 refilling 2 per second
        BucketSpec spec = BucketSpec.of(4, 2);
        BucketState[] b = {
            BucketMath.debit(BucketMath.create(spec, T0), Tokens.toNano(4), 0, T0)
                    .next()
        };

        // When callers willing to wait 10 s ask for 1 token each
        long[] waits = new long[5];
        for (int i = 0; i < 5; i++) {
            AcquireResult r = acquire(b, spec, 1, 10_000, T0);
            waits[i] = r instanceof AcquireResult.Granted g ? g.waitMs() : -1;
        }

        // Then they are served in order, 500 ms apart, until 4 tokens (one capacity) are owed
        assertThat(waits).containsExactly(500, 1_000, 1_500, 2_000, -1);
        AcquireResult fifth = acquire(b, spec, 1, 10_000, T0);
        assertThat(fifth).isEqualTo(new AcquireResult.Denied(1, 0, 4, 2_000_000, 500));
    }

    @Test
    void shouldHoldAtMostOneTokenInALeakyBucket() {
        BucketSpec spec = BucketSpec.of(10, 10).withAlgorithm(Algorithm.LEAKY_BUCKET);
        BucketState[] b = {null};

        AcquireResult first = acquire(b, spec, 1, 0, T0);
        AcquireResult second = acquire(b, spec, 1, 0, T0 + 50);
        AcquireResult afterIdle = acquire(b, spec, 1, 0, T0 + 60_000);
        AcquireResult burst = acquire(b, spec, 1, 0, T0 + 60_000);

        assertThat(first.granted()).isTrue();
        assertThat(second).isEqualTo(new AcquireResult.Denied(1, 0, 10, 10_000_000, 50));
        assertThat(afterIdle.granted()).isTrue();
        assertThat(burst.granted()).isFalse();
    }

    @Test
    void shouldQueueLeakyRequestsInOrderUpToItsCapacity() {
        // Given a leaky bucket leaking 10 per second with a queue of 3 tokens
        BucketSpec spec = BucketSpec.of(3, 10).withAlgorithm(Algorithm.LEAKY_BUCKET);
        BucketState[] b = {null};

        // When five callers willing to wait arrive at once
        long[] waits = new long[5];
        for (int i = 0; i < 5; i++) {
            AcquireResult r = acquire(b, spec, 1, 1_000, T0);
            waits[i] = r instanceof AcquireResult.Granted g ? g.waitMs() : -1;
        }

        // Then the first goes now, the next three are spaced by the leak rate, and the fifth finds the queue full
        assertThat(waits).containsExactly(0, 100, 200, 300, -1);
    }

    @Test
    void shouldRejectALeakyRequestThatCouldNeverBeGrantedWithItsWait() {
        BucketSpec spec = BucketSpec.of(10, 10).withAlgorithm(Algorithm.LEAKY_BUCKET);

        Transition<AcquireResult> t = BucketMath.acquire(null, spec, 5, 0, T0);

        assertThat(t.next()).isNull();
        assertThat(t.result()).isEqualTo(new AcquireResult.Unsatisfiable(5, 1, 10, 10_000_000, 400));
        assertThat(BucketMath.acquire(null, spec, 5, 400, T0).result())
                .isEqualTo(new AcquireResult.Granted(5, 0, 10, 10_000_000, 400));
    }

    @Test
    void shouldRejectMoreTokensThanCapacity() {
        Transition<AcquireResult> t = BucketMath.acquire(null, BucketSpec.of(10, 1), 11, 60_000, T0);

        assertThat(t.next()).isNull();
        assertThat(t.result()).isEqualTo(new AcquireResult.Unsatisfiable(11, 10, 10, 1_000_000, -1));
        assertThatThrownBy(() -> BucketMath.acquire(null, BucketSpec.of(10, 1), 0, 0, T0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNeitherRefillNorMoveBackWhenTheClockGoesBack() {
        BucketState s = BucketMath.debit(BucketMath.create(BucketSpec.of(10, 10), T0), Tokens.toNano(10), 0, T0)
                .next();

        BucketState back = BucketMath.refill(s, T0 - 5_000);

        assertThat(back).isSameAs(s);
        assertThat(BucketMath.refill(back, T0 + 100).tokens()).isEqualTo(Tokens.toNano(1));
    }

    @Test
    void shouldCountDemandAndDrainIt() {
        BucketSpec spec = BucketSpec.of(10, 1);
        BucketState[] b = {null};
        acquire(b, spec, 6, 0, T0);
        acquire(b, spec, 6, 0, T0 + 10);
        acquire(b, spec, 11, 0, T0 + 20); // unsatisfiable: not demand this bucket could meet, not counted

        Transition<DemandSample> drained = BucketMath.drainDemand(b[0], T0 + 1_000);

        assertThat(drained.result()).isEqualTo(new DemandSample(12, 6, T0, T0 + 1_000, 10, 1_000_000, 0));
        assertThat(drained.next().attempted()).isZero();
        assertThat(drained.next().windowStart()).isEqualTo(T0 + 1_000);
    }

    @Test
    void shouldEvictOnlyWhenIdleForTheTtlAndFull() {
        BucketSpec spec = BucketSpec.of(10, 1).withIdleTtlMillis(5_000);
        BucketState drained = BucketMath.debit(BucketMath.create(spec, T0), Tokens.toNano(10), 0, T0)
                .next();

        assertThat(BucketMath.isEvictable(drained, T0 + 5_000)).isFalse(); // idle long enough, but not yet full
        assertThat(BucketMath.isEvictable(drained, T0 + 10_000)).isTrue();
        assertThat(BucketMath.isEvictable(BucketMath.create(BucketSpec.of(10, 1), T0), T0 + YEAR))
                .isFalse();
    }

    @Test
    void shouldConvertRatesAndRejectOutOfRange() {
        assertThat(Tokens.ratePerMilli(10)).isEqualTo(10_000_000);
        assertThat(Tokens.perSecond(Tokens.ratePerMilli(0.5))).isEqualTo(0.5);
        assertThatThrownBy(() -> Tokens.ratePerMilli(0)).hasMessageContaining("refillPerSecond");
        assertThatThrownBy(() -> Tokens.ratePerMilli(Double.NaN)).hasMessageContaining("refillPerSecond");
        assertThatThrownBy(() -> BucketSpec.of(0, 1)).hasMessageContaining("capacity");
        assertThat(Tokens.millisToRefill(1, 3)).isEqualTo(1);
        assertThat(Tokens.millisToRefill(3, 3)).isEqualTo(1);
        assertThat(Tokens.millisToRefill(4, 3)).isEqualTo(2);
        assertThat(Tokens.millisToRefill(0, 3)).isZero();
    }

    @Test
    void shouldKeepOnlyTheLastTransferSteps() {
        TransferLog log = null;
        for (long id = 1; id <= 10; id++) {
            log = TransferLog.append(log, id, id * 100);
        }

        assertThat(log.size()).isEqualTo(TransferLog.CAPACITY);
        assertThat(log.find(2)).isEmpty();
        assertThat(log.find(3)).hasValue(300);
        assertThat(log.find(10)).hasValue(1_000);
    }

    @Test
    void shouldRememberTheLargestForgottenStepAsAWatermark() {
        TransferLog log = null;
        for (long id : new long[] {5, -3, 9, 2, 4, 6, 7, 8, 10, 11}) { // 5 and -3 (a refund, order 3) fall out
            log = TransferLog.append(log, id, 100);
        }

        assertThat(log.watermark()).isEqualTo(5);
        assertThat(log.isForgotten(5)).isTrue();
        assertThat(log.isForgotten(-3)).isTrue();
        assertThat(log.isForgotten(1)).isTrue(); // never seen, but below the watermark: may have been forgotten
        assertThat(log.isForgotten(2)).isFalse(); // still in the log
        assertThat(log.isForgotten(12)).isFalse();
    }

    @Test
    void shouldNeitherApplyNorDenyAStepItMayHaveForgotten() {
        // Given a borrower that credited step 1, then 8 more steps, so that step 1 left its log
        BucketState s = BucketMath.debit(BucketMath.create(BucketSpec.of(100, 1), T0), Tokens.toNano(50), 0, T0)
                .next();
        s = BucketMath.credit(s, Tokens.toNano(5), 1, T0).next();
        for (long id = 2; id <= 1 + TransferLog.CAPACITY; id++) {
            s = BucketMath.credit(s, Tokens.toNano(1), id, T0).next();
        }
        long tokens = s.tokens();

        // When the credit's fence (or a late copy of the credit) arrives
        Transition<Long> fence = BucketMath.credit(s, 0, 1, T0);
        Transition<Long> late = BucketMath.credit(s, Tokens.toNano(5), 1, T0);
        Transition<Long> debit = BucketMath.debit(s, Tokens.toNano(5), 0, 1, T0);

        // Then nothing is applied and the answer is "forgotten", not "never applied" (0)
        assertThat(fence.result()).isEqualTo(BucketMath.STEP_FORGOTTEN);
        assertThat(late.result()).isEqualTo(BucketMath.STEP_FORGOTTEN);
        assertThat(debit.result()).isEqualTo(BucketMath.STEP_FORGOTTEN);
        assertThat(late.next().tokens()).isEqualTo(tokens);
        assertThat(debit.next().tokens()).isEqualTo(tokens);
        // and a newer step still applies
        assertThat(BucketMath.credit(s, Tokens.toNano(1), 20, T0).result()).isEqualTo(Tokens.toNano(1));
        assertThat(BucketMath.absentStep(7)).isEqualTo(BucketMath.STEP_FORGOTTEN);
        assertThat(BucketMath.absentStep(BucketMath.NO_TRANSFER)).isZero();
    }
}
