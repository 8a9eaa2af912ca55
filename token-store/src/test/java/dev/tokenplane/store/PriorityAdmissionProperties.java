package dev.tokenplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Invariants of the priority reserves over random specs, reserves and schedules of classes and clock moves. */
class PriorityAdmissionProperties {

    private static final long T0 = 1_700_000_000_000L;

    /** Move the clock forward, then ask for tokens as a class, with no wait. */
    record Step(long advanceMs, long tokens, Priority priority) {}

    @Provide
    Arbitrary<BucketSpec> specs() {
        return BucketArbitraries.specs();
    }

    @Provide
    Arbitrary<PriorityReserves> reserves() {
        Arbitrary<Double> fraction = Arbitraries.doubles().between(0, 0.99);
        return Combinators.combine(fraction, fraction, fraction).as((a, b, c) -> {
            double[] sorted = java.util.stream.DoubleStream.of(a, b, c).sorted().toArray();
            return new PriorityReserves(sorted[0], sorted[1], sorted[2]);
        });
    }

    @Provide
    Arbitrary<List<Step>> schedules() {
        Arbitrary<Long> advance = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.longs().between(0, 50)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, 100_000)));
        Arbitrary<Long> tokens = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.longs().between(1, 3)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(1, 1_000)));
        return Combinators.combine(advance, tokens, Arbitraries.of(Priority.class))
                .as(Step::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(80);
    }

    @Property
    void grantsNeverExceedCapacityPlusRefillForAnyClassMix(
            @ForAll("specs") BucketSpec spec,
            @ForAll("reserves") PriorityReserves reserves,
            @ForAll("schedules") List<Step> schedule) {
        BucketState s = null;
        long now = T0;
        long grantedNanos = 0;
        for (Step step : schedule) {
            now += step.advanceMs();
            Transition<AcquireResult> t =
                    BucketMath.acquire(s, spec, step.tokens(), 0, reserves.reservePpm(step.priority()), now);
            if (t.result().granted()) {
                grantedNanos += step.tokens() * Tokens.SCALE;
            }
            s = t.next() == null ? s : t.next();
        }
        long burst = spec.algorithm() == Algorithm.TOKEN_BUCKET ? spec.capacity() * Tokens.SCALE : Tokens.SCALE;
        // refill over the whole schedule, saturating: the bound is what a bucket without priority could give
        double bound = (double) burst + (double) spec.ratePerMilli() * (now - T0);
        assertThat((double) grantedNanos).isLessThanOrEqualTo(bound);
    }

    @Property
    void withAllReservesZeroPriorityChangesNothing(
            @ForAll("specs") BucketSpec spec, @ForAll("schedules") List<Step> schedule) {
        BucketState plain = null;
        BucketState prioritised = null;
        long now = T0;
        for (Step step : schedule) {
            now += step.advanceMs();
            Transition<AcquireResult> a = BucketMath.acquire(plain, spec, step.tokens(), 0, now);
            Transition<AcquireResult> b = BucketMath.acquire(
                    prioritised, spec, step.tokens(), 0, PriorityReserves.NONE.reservePpm(step.priority()), now);
            assertThat(b.result()).isEqualTo(a.result());
            assertThat(b.next()).isEqualTo(a.next());
            plain = a.next();
            prioritised = b.next();
        }
    }

    @Property
    void aHigherClassIsGrantedWheneverALowerOneIs(
            @ForAll("specs") BucketSpec spec,
            @ForAll("reserves") PriorityReserves reserves,
            @ForAll("schedules") List<Step> schedule) {
        BucketState s = null;
        long now = T0;
        for (Step step : schedule) {
            now += step.advanceMs();
            boolean lowerGranted = BucketMath.acquire(
                            s, spec, step.tokens(), 0, reserves.reservePpm(step.priority()), now)
                    .result()
                    .granted();
            for (Priority higher : Priority.values()) {
                if (higher.ordinal() < step.priority().ordinal() && lowerGranted) {
                    assertThat(BucketMath.acquire(s, spec, step.tokens(), 0, reserves.reservePpm(higher), now)
                                    .result()
                                    .granted())
                            .as("%s granted where %s was", higher, step.priority())
                            .isTrue();
                }
            }
            Transition<AcquireResult> t =
                    BucketMath.acquire(s, spec, step.tokens(), 0, reserves.reservePpm(step.priority()), now);
            s = t.next() == null ? s : t.next();
        }
    }
}
