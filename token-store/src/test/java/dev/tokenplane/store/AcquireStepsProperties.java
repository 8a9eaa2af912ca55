package dev.tokenplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.store.local.LocalBucketStore;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The three-step acquire ({@link BucketMath#prepare}, {@link BucketMath#decide}, {@link BucketMath#next}) and the
 * local store's {@link LocalBucketStore#acquireNow} and {@link LocalBucketStore#tryAcquire} against {@link #reference}, the single-function acquire they
 * replaced (kept here verbatim as the oracle): the same outcome and the same next state on every step of random
 * schedules, including generation changes, leaky buckets, reservations and clocks that go back.
 */
class AcquireStepsProperties {

    private static final long T0 = 1_700_000_000_000L;

    record Step(long advanceMs, long tokens, long maxWaitMs, boolean newGeneration) {}

    @Provide
    Arbitrary<BucketSpec> specs() {
        return BucketArbitraries.specs();
    }

    @Provide
    Arbitrary<List<Step>> schedules() {
        Arbitrary<Long> advance = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.longs().between(0, 50)),
                Tuple.of(2, Arbitraries.longs().between(0, 10_000)),
                Tuple.of(1, Arbitraries.longs().between(-5_000, 0)));
        Arbitrary<Long> tokens = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.longs().between(1, 3)),
                Tuple.of(1, Arbitraries.longs().between(1, Tokens.MAX_CAPACITY + 5)));
        Arbitrary<Long> maxWait = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0L)),
                Tuple.of(2, Arbitraries.longs().between(0, 5_000)),
                Tuple.of(1, Arbitraries.just(Long.MAX_VALUE)));
        Arbitrary<Boolean> newGeneration = Arbitraries.frequency(Tuple.of(9, false), Tuple.of(1, true));
        return Combinators.combine(advance, tokens, maxWait, newGeneration)
                .as(Step::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(60);
    }

    @Property
    void threeStepsAndTheLocalStoreAgreeWithTheSingleFunction(
            @ForAll("specs") BucketSpec first, @ForAll("schedules") List<Step> schedule) {
        FakeClock clock = new FakeClock(T0);
        try (LocalBucketStore store = new LocalBucketStore(clock);
                LocalBucketStore booleans = new LocalBucketStore(clock)) {
            BucketSpec spec = first;
            BucketState expected = null;
            BucketState steps = null;
            for (Step step : schedule) {
                clock.advance(step.advanceMs());
                long now = clock.millis();
                if (step.newGeneration()) {
                    Algorithm other = spec.algorithm() == Algorithm.TOKEN_BUCKET
                            ? Algorithm.LEAKY_BUCKET
                            : Algorithm.TOKEN_BUCKET;
                    spec = spec.withGeneration(spec.generation() + 1).withAlgorithm(other);
                }
                Transition<AcquireResult> oracle = reference(expected, spec, step.tokens(), step.maxWaitMs(), now);

                Transition<AcquireResult> viaTransition =
                        BucketMath.acquire(expected, spec, step.tokens(), step.maxWaitMs(), now);
                assertThat(viaTransition).isEqualTo(oracle);

                BucketState prepared = BucketMath.prepare(steps, spec, now);
                AcquireResult decided = BucketMath.decide(prepared, step.tokens(), step.maxWaitMs());
                assertThat(decided).isEqualTo(oracle.result());
                steps = BucketMath.next(steps, prepared, step.tokens(), step.maxWaitMs());
                assertThat(steps).isEqualTo(oracle.next());

                assertThat(store.acquireNow("k", spec, step.tokens(), step.maxWaitMs()))
                        .isEqualTo(oracle.result());
                Optional<BucketState> stored =
                        store.get("k").toCompletableFuture().join();
                assertThat(stored).isEqualTo(Optional.ofNullable(oracle.next()).map(s -> BucketMath.refill(s, now)));

                if (step.maxWaitMs() == 0) { // tryAcquire: the same decision and state, as a boolean
                    assertThat(booleans.tryAcquire("k", spec, step.tokens()))
                            .isEqualTo(oracle.result().granted());
                } else {
                    booleans.acquireNow("k", spec, step.tokens(), step.maxWaitMs());
                }
                assertThat(booleans.get("k").toCompletableFuture().join()).isEqualTo(stored);

                expected = oracle.next();
            }
        }
    }

    /** The acquire as it was before the three steps: one function returning a {@link Transition}. */
    private static Transition<AcquireResult> reference(
            BucketState current, BucketSpec spec, long tokens, long maxWaitMs, long now) {
        BucketState s = BucketMath.refill(BucketMath.adopt(current, spec, now), now);
        long rate = s.ratePerMilli();
        if (tokens > s.capacity()) {
            return new Transition<>(
                    current, new AcquireResult.Unsatisfiable(tokens, s.wholeTokens(), s.capacity(), rate, -1));
        }
        long need = tokens * Tokens.SCALE;
        long allowedDeficit =
                Math.min(BucketMath.saturatingMultiply(Math.max(0, maxWaitMs), rate), s.queueBoundNanos());
        long requiredLevel = need - allowedDeficit;
        if (requiredLevel > s.burstNanos()) {
            long minMaxWait = Tokens.millisToRefill(need - s.burstNanos(), rate);
            return new Transition<>(
                    current, new AcquireResult.Unsatisfiable(tokens, s.wholeTokens(), s.capacity(), rate, minMaxWait));
        }
        long attempted = BucketMath.saturatingAdd(s.attempted(), tokens);
        if (s.tokens() >= requiredLevel) {
            long deficit = need - s.tokens();
            long waitMs = Tokens.millisToRefill(deficit, rate);
            BucketState next =
                    s.afterGrant(s.tokens() - need, attempted, BucketMath.saturatingAdd(s.granted(), tokens));
            return new Transition<>(
                    next, new AcquireResult.Granted(tokens, next.wholeTokens(), s.capacity(), rate, waitMs));
        }
        long retryAfter = Tokens.millisToRefill(requiredLevel - s.tokens(), rate);
        BucketState next = s.withCounters(attempted, s.granted(), s.windowStart());
        return new Transition<>(
                next, new AcquireResult.Denied(tokens, next.wholeTokens(), s.capacity(), rate, retryAfter));
    }
}
