package dev.tokenplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * Invariants of the bucket maths over random specs and random schedules of acquires and clock moves.
 *
 * <p><b>Rounding bound.</b> Tokens are nanotokens and a rate is a whole number of nanotokens per millisecond, so refill
 * over whole milliseconds is exact and the bound below holds with no slack at all. The only rounding is the conversion
 * of a rule's {@code refillPerSecond} to the rate, to the nearest 10<sup>-6</sup> tokens per second, which the
 * properties take as given: they state the bound in the bucket's own rate.
 */
class BucketMathProperties {

    private static final long T0 = 1_700_000_000_000L;

    /** One step of a schedule: move the clock (possibly backwards), then ask for tokens, willing to wait or not. */
    record Step(long advanceMs, long tokens, long maxWaitMs) {}

    @Provide
    Arbitrary<BucketSpec> specs() {
        return BucketArbitraries.specs();
    }

    @Provide
    Arbitrary<List<Step>> schedules() {
        Arbitrary<Long> advance = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.longs().between(0, 50)),
                net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(0, 10_000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(-5_000, 0)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, 400L * 86_400_000L)));
        Arbitrary<Long> tokens = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.longs().between(1, 3)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(1, Tokens.MAX_CAPACITY)));
        Arbitrary<Long> maxWait = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(0L)),
                net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(0, 5_000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Long.MAX_VALUE)));
        return Combinators.combine(advance, tokens, maxWait)
                .as(Step::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(60);
    }

    @Property
    void tokensStayBetweenTheQueueBoundAndTheBurst(
            @ForAll("specs") BucketSpec spec, @ForAll("schedules") List<Step> schedule) {
        BucketState s = null;
        long now = T0;
        for (Step step : schedule) {
            now += step.advanceMs();
            s = BucketMath.acquire(s, spec, step.tokens(), step.maxWaitMs(), now)
                    .next();
            if (s != null) {
                assertThat(s.tokens()).isBetween(-s.queueBoundNanos(), s.burstNanos());
                assertThat(s.wholeTokens()).isBetween(0L, s.capacity());
            }
        }
    }

    @Property
    void tokensStayBetweenZeroAndCapacityWhenNobodyWaits(
            @ForAll("specs") BucketSpec spec, @ForAll("schedules") List<Step> schedule) {
        BucketState s = null;
        long now = T0;
        for (Step step : schedule) {
            now += step.advanceMs();
            s = BucketMath.acquire(s, spec, step.tokens(), 0, now).next();
            if (s != null) {
                assertThat(s.tokens()).isBetween(0L, Tokens.toNano(s.capacity()));
            }
        }
    }

    /**
     * A grant is usable at {@code now + waitMs}. For every grant, the tokens of all grants usable by then are at most the
     * tokens the bucket started with plus {@code rate * (that time - start)}: exact, in nanotokens.
     */
    @Property
    void grantsNeverExceedInitialTokensPlusRefillOverElapsedTime(
            @ForAll("specs") BucketSpec spec, @ForAll("schedules") List<Step> schedule) {
        BucketState s = null;
        long now = T0;
        long start = Long.MIN_VALUE; // when the bucket is created, full
        long latest = Long.MIN_VALUE;
        record Grant(long usableAt, long tokens) {}
        List<Grant> grants = new ArrayList<>();
        for (Step step : schedule) {
            now += step.advanceMs();
            Transition<AcquireResult> t = BucketMath.acquire(s, spec, step.tokens(), step.maxWaitMs(), now);
            if (s == null && t.next() != null) {
                start = now;
            }
            latest = Math.max(latest, now);
            s = t.next();
            if (t.result() instanceof AcquireResult.Granted g) {
                // the owner never refills for time before the latest it has seen, so neither does the bound
                grants.add(new Grant(Math.max(latest, now) + g.waitMs(), g.tokens()));
            }
        }
        long initial = Tokens.toNano(spec.algorithm() == Algorithm.LEAKY_BUCKET ? 1 : spec.capacity());
        for (Grant g : grants) {
            long usedBy = grants.stream()
                    .filter(o -> o.usableAt() <= g.usableAt())
                    .mapToLong(o -> Tokens.toNano(o.tokens()))
                    .sum();
            long bound = BucketMath.saturatingAdd(
                    initial, BucketMath.saturatingMultiply(g.usableAt() - start, spec.ratePerMilli()));
            assertThat(usedBy).isLessThanOrEqualTo(bound);
        }
    }

    /** After {@code retryAfterMs} the same request is granted if nothing else consumed, and not a millisecond sooner. */
    @Property
    void aDenialsRetryAfterIsExact(
            @ForAll("specs") BucketSpec spec,
            @ForAll("schedules") List<Step> schedule,
            @ForAll @LongRange(min = 1, max = 1_000_000) long tokens,
            @ForAll @IntRange(min = 0, max = 10_000) int maxWaitMs) {
        BucketState s = null;
        long now = T0;
        for (Step step : schedule) {
            now += Math.max(0, step.advanceMs());
            s = BucketMath.acquire(s, spec, step.tokens(), step.maxWaitMs(), now)
                    .next();
        }
        Transition<AcquireResult> t = BucketMath.acquire(s, spec, tokens, maxWaitMs, now);
        if (!(t.result() instanceof AcquireResult.Denied denied)) {
            return;
        }
        assertThat(denied.retryAfterMs()).isPositive();
        BucketState afterDenial = t.next();

        assertThat(BucketMath.acquire(afterDenial, spec, tokens, maxWaitMs, now + denied.retryAfterMs())
                        .result()
                        .granted())
                .isTrue();
        assertThat(BucketMath.acquire(afterDenial, spec, tokens, maxWaitMs, now + denied.retryAfterMs() - 1)
                        .result()
                        .granted())
                .isFalse();
    }

    /** Reservations are served in order: each later grant waits at least as long as the one before it. */
    @Property
    void reservationsAreFirstComeFirstServed(
            @ForAll("specs") BucketSpec spec,
            @ForAll @Size(min = 1, max = 30) List<@LongRange(min = 1, max = 5) Long> asks) {
        BucketState s = null;
        long previousWait = -1;
        for (long ask : asks) {
            Transition<AcquireResult> t = BucketMath.acquire(s, spec, ask, Long.MAX_VALUE, T0);
            s = t.next() == null ? s : t.next();
            if (t.result() instanceof AcquireResult.Granted g) {
                assertThat(g.waitMs()).isGreaterThanOrEqualTo(previousWait);
                previousWait = g.waitMs();
            }
        }
    }

    /** Transfers move tokens and never create them: what a debit takes plus what stays equals what was there. */
    @Property
    void debitAndCreditConserveTokens(
            @ForAll("specs") BucketSpec spec,
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 4) long amount,
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 4) long floor,
            @ForAll @LongRange(min = 0, max = 10_000) long drainTokens) {
        BucketState lender = BucketMath.debit(
                        BucketMath.create(spec, T0),
                        Math.min(Tokens.toNano(drainTokens), Tokens.toNano(spec.capacity())),
                        0,
                        T0)
                .next();
        BucketState borrower = BucketMath.debit(BucketMath.create(spec, T0), Long.MAX_VALUE / 4, 0, T0)
                .next();

        Transition<Long> debit = BucketMath.debit(lender, amount, floor, T0);
        Transition<Long> credit = BucketMath.credit(borrower, debit.result(), T0);

        assertThat(debit.result()).isBetween(0L, amount);
        assertThat(debit.next().tokens()).isEqualTo(lender.tokens() - debit.result());
        assertThat(debit.result() == 0 || debit.next().tokens() >= floor).isTrue();
        assertThat(credit.result()).isBetween(0L, debit.result());
        assertThat(credit.next().tokens()).isEqualTo(borrower.tokens() + credit.result());
        assertThat(credit.next().tokens()).isLessThanOrEqualTo(credit.next().burstNanos());
    }
}
