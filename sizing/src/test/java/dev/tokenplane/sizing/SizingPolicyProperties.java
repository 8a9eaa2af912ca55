package dev.tokenplane.sizing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;

/** Invariants of the policy over random rules, demand and load, tick after tick on a fake clock. */
class SizingPolicyProperties {

    private static final long TICK = 1000;

    /** One tick's inputs: demand (attempted, granted fraction), load, and whether an override holds. */
    record TickInput(
            long attempted,
            double grantedFraction,
            LoadSignalKind load,
            double cpu,
            double latencyMs,
            boolean pinned) {}

    enum LoadSignalKind {
        UNTRACKED,
        MISSING,
        FRESH,
        STALE,
        NO_DEMAND
    }

    @Provide
    Arbitrary<AdaptiveSettings> settings() {
        return Combinators.combine(
                        Arbitraries.doubles().between(0.2, 1.0).ofScale(3),
                        Arbitraries.doubles()
                                .between(0.05, 0.95)
                                .ofScale(3), // thresholdLow as a fraction of thresholdHigh
                        Arbitraries.doubles().between(1.01, 5.0).ofScale(3),
                        Arbitraries.doubles().between(0.05, 0.99).ofScale(3))
                .as((h, l, g, s) -> new AdaptiveSettings(h, h * l, g, s));
    }

    @Provide
    Arbitrary<List<TickInput>> ticks() {
        Arbitrary<TickInput> tick = Combinators.combine(
                        Arbitraries.longs().between(0, 100_000),
                        Arbitraries.doubles().between(0, 1),
                        Arbitraries.of(LoadSignalKind.class),
                        Arbitraries.doubles().between(0, 1),
                        Arbitraries.doubles().between(0, 3000),
                        Arbitraries.frequency(Tuple.of(9, false), Tuple.of(1, true)))
                .as(TickInput::new);
        return tick.list().ofMinSize(1).ofMaxSize(60);
    }

    private static SizingInput input(
            long capacity, SizeLimits limits, AdaptiveSettings settings, TickInput t, SizingState state, long now) {
        DemandWindow demand = t.load() == LoadSignalKind.NO_DEMAND
                ? DemandWindow.none()
                : new DemandWindow(t.attempted(), Math.round(t.attempted() * t.grantedFraction()), TICK);
        LoadSignal load = switch (t.load()) {
            case UNTRACKED, NO_DEMAND -> LoadSignal.untracked();
            case MISSING -> LoadSignal.missing();
            case FRESH -> LoadSignal.of(LoadSample.of(now, t.cpu(), t.latencyMs()));
            case STALE -> LoadSignal.of(LoadSample.of(now - 60_000, t.cpu(), t.latencyMs()));
        };
        return new SizingInput(
                new BucketSize(capacity, limits.refillFor(capacity)),
                limits,
                settings,
                demand,
                load,
                state,
                t.pinned());
    }

    @Property
    void sizeAlwaysStaysWithinMinAndMax(
            @ForAll("settings") AdaptiveSettings settings,
            @ForAll @LongRange(min = 1, max = 1000) long min,
            @ForAll @LongRange(min = 0, max = 100_000) long span,
            @ForAll @DoubleRange(min = 0.001, max = 100) @Scale(3) double refillPerCapacity,
            @ForAll("ticks") List<TickInput> ticks) {
        SizeLimits limits = new SizeLimits(min, min + span, refillPerCapacity);
        SizingPolicy policy = SizingPolicy.withDefaults();
        long capacity = limits.clamp(min + span / 3);
        SizingState state = SizingState.initial();
        long now = 0;
        for (TickInput t : ticks) {
            now += TICK;
            SizingDecision decision = policy.decide(now, input(capacity, limits, settings, t, state, now));
            assertThat(decision.capacity()).isBetween(limits.minCapacity(), limits.maxCapacity());
            assertThat(decision.pressure()).isBetween(0.0, 1.0);
            if (decision.resized()) {
                assertThat(decision.refillPerSecond()).isEqualTo(limits.refillFor(decision.capacity()));
            }
            capacity = decision.capacity();
            state = decision.state();
        }
    }

    @Property
    void constantDemandInsideTheDeadBandNeverChangesTheSize(
            @ForAll("settings") AdaptiveSettings settings,
            @ForAll @LongRange(min = 20, max = 100_000) long capacity,
            @ForAll @DoubleRange(min = 0.0, max = 1.0) double whereInBand,
            @ForAll @DoubleRange(min = 0.0, max = 0.79) double cpu,
            @ForAll @IntRange(min = 1, max = 100) int ticks) {
        // strictly inside (thresholdLow, thresholdHigh), a token or more from either edge
        double low = capacity * settings.thresholdLow() + 1;
        double high = capacity * settings.thresholdHigh() - 1;
        long attempted = Math.round(low + (high - low) * whereInBand);
        if (attempted <= low || attempted >= high) {
            return; // the band is narrower than a token at this capacity
        }
        SizeLimits limits = new SizeLimits(1, 1_000_000, 1.0);
        SizingPolicy policy = SizingPolicy.withDefaults();
        SizingState state = SizingState.initial();
        long now = 0;
        for (int i = 0; i < ticks; i++) {
            now += TICK;
            SizingDecision decision = policy.decide(
                    now,
                    new SizingInput(
                            new BucketSize(capacity, capacity),
                            limits,
                            settings,
                            new DemandWindow(attempted, attempted, TICK),
                            LoadSignal.of(LoadSample.of(now, cpu, Double.NaN)),
                            state,
                            false));
            assertThat(decision.capacity()).isEqualTo(capacity);
            assertThat(decision.reason()).isEqualTo(SizingReason.HOLD_DEAD_BAND);
            state = decision.state();
        }
    }

    @Property
    void aPinnedBucketNeverChanges(
            @ForAll("settings") AdaptiveSettings settings,
            @ForAll @LongRange(min = 1, max = 1_000_000) long capacity,
            @ForAll("ticks") List<TickInput> ticks) {
        SizeLimits limits = new SizeLimits(10, 1000, 1.0);
        SizingPolicy policy = SizingPolicy.withDefaults();
        SizingState state = SizingState.initial();
        long now = 0;
        for (TickInput t : ticks) {
            now += TICK;
            TickInput pinned =
                    new TickInput(t.attempted(), t.grantedFraction(), t.load(), t.cpu(), t.latencyMs(), true);
            SizingDecision decision = policy.decide(now, input(capacity, limits, settings, pinned, state, now));
            assertThat(decision.resized()).isFalse();
            assertThat(decision.reason()).isEqualTo(SizingReason.HOLD_PINNED);
            state = decision.state();
        }
    }

    @Property
    void resizesRespectTheCooldownAndTheStepCaps(
            @ForAll("settings") AdaptiveSettings settings, @ForAll("ticks") List<TickInput> ticks) {
        SizeLimits limits = new SizeLimits(1, 1_000_000, 1.0);
        SizingPolicy policy = SizingPolicy.withDefaults();
        DampingConfig damping = policy.config().damping();
        long capacity = 500;
        SizingState state = SizingState.initial();
        long now = 0;
        long lastResize = Long.MIN_VALUE;
        for (TickInput t : ticks) {
            now += TICK;
            SizingDecision decision = policy.decide(now, input(capacity, limits, settings, t, state, now));
            if (decision.resized()) {
                if (lastResize != Long.MIN_VALUE) {
                    assertThat(now - lastResize).isGreaterThanOrEqualTo(damping.cooldownMillis());
                }
                // growth rounds up: at most one token past the cap
                assertThat(decision.capacity())
                        .isLessThanOrEqualTo((long) Math.ceil(capacity * (1 + damping.maxStepUp())));
                assertThat(decision.capacity())
                        .isGreaterThanOrEqualTo((long) Math.floor(capacity * (1 - damping.maxStepDown())));
                lastResize = now;
            }
            capacity = decision.capacity();
            state = decision.state();
        }
    }

    @Property
    void moreLoadNeverGivesALargerSize(
            @ForAll("settings") AdaptiveSettings settings,
            @ForAll @LongRange(min = 10, max = 10_000) long capacity,
            @ForAll @LongRange(min = 0, max = 50_000) long attempted,
            @ForAll @DoubleRange(min = 0, max = 1) double grantedFraction,
            @ForAll @DoubleRange(min = 0, max = 1) double cpuA,
            @ForAll @DoubleRange(min = 0, max = 1) double cpuB) {
        SizeLimits limits = new SizeLimits(1, 1_000_000, 1.0);
        SizingPolicy policy = SizingPolicy.withDefaults();
        long now = 10_000;
        DemandWindow demand = new DemandWindow(attempted, Math.round(attempted * grantedFraction), TICK);
        long cooler = policy.decide(
                        now,
                        new SizingInput(
                                new BucketSize(capacity, capacity),
                                limits,
                                settings,
                                demand,
                                LoadSignal.of(LoadSample.of(now, Math.min(cpuA, cpuB), Double.NaN)),
                                SizingState.initial(),
                                false))
                .capacity();
        long hotter = policy.decide(
                        now,
                        new SizingInput(
                                new BucketSize(capacity, capacity),
                                limits,
                                settings,
                                demand,
                                LoadSignal.of(LoadSample.of(now, Math.max(cpuA, cpuB), Double.NaN)),
                                SizingState.initial(),
                                false))
                .capacity();

        assertThat(hotter).isLessThanOrEqualTo(cooler);
    }

    @Property
    void aSampleAtOrBelowPressureHighNeverSheds(
            @ForAll("settings") AdaptiveSettings settings,
            @ForAll @LongRange(min = 10, max = 1000) long capacity,
            @ForAll @LongRange(min = 0, max = 100_000) long attempted,
            @ForAll @DoubleRange(min = 0, max = 10) double smoothedLevel,
            @ForAll @DoubleRange(min = 0, max = 0.8) double cpu,
            @ForAll @DoubleRange(min = 0, max = 800) double latencyMs) {
        // whatever the smoothed level (a queue that has drained can leave it far above 1), a shed needs the newest
        // sample
        SizeLimits limits = new SizeLimits(10, 1000, 1.0);
        long now = 100_000;
        SizingState state = SizingState.initial().withPressure(smoothedLevel, now - TICK);

        SizingDecision decision = SizingPolicy.withDefaults()
                .decide(
                        now,
                        new SizingInput(
                                new BucketSize(capacity, capacity),
                                limits,
                                settings,
                                new DemandWindow(attempted, attempted, TICK),
                                LoadSignal.of(LoadSample.of(now, cpu, latencyMs)),
                                state,
                                false));

        assertThat(decision.reason()).isNotEqualTo(SizingReason.SHRINK_PRESSURE);
        assertThat(decision.pressure()).isLessThanOrEqualTo(0.8);
    }

    @Property
    void missingOrStaleLoadNeverResizesABucketInsideItsLimits(
            @ForAll("settings") AdaptiveSettings settings,
            @ForAll @LongRange(min = 10, max = 1000) long capacity,
            @ForAll @LongRange(min = 0, max = 100_000) long attempted,
            @ForAll boolean stale) {
        SizeLimits limits = new SizeLimits(10, 1000, 1.0);
        long now = 100_000;
        LoadSignal load = stale ? LoadSignal.of(LoadSample.of(now - 5_001, 0.99, Double.NaN)) : LoadSignal.missing();

        SizingDecision decision = SizingPolicy.withDefaults()
                .decide(
                        now,
                        new SizingInput(
                                new BucketSize(capacity, capacity),
                                limits,
                                settings,
                                new DemandWindow(attempted, attempted, TICK),
                                load,
                                SizingState.initial(),
                                false));

        assertThat(decision.resized()).isFalse();
    }
}
