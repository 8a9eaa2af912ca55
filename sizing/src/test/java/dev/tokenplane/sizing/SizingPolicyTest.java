package dev.tokenplane.sizing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * One story per rule of the policy, told on a fake clock: {@code now} is just a number we advance.
 * Buckets refill their capacity once per second (refillPerCapacity 1), so demand in tokens/s reads as capacity units.
 */
class SizingPolicyTest {

    private static final SizeLimits LIMITS = new SizeLimits(10, 1000, 1.0);
    private static final AdaptiveSettings RULE = AdaptiveSettings.defaults(); // 0.8 / 0.3, x1.5 / x0.8
    private static final long TICK = 1000;

    private final SizingPolicy policy = SizingPolicy.withDefaults();
    private long now = 1_000_000;

    // --- fixture -------------------------------------------------------------------------------------------------

    private static DemandWindow demand(long attempted, long granted) {
        return new DemandWindow(attempted, granted, TICK);
    }

    private LoadSignal cpu(double cpu) {
        return LoadSignal.of(LoadSample.of(now, cpu, Double.NaN));
    }

    private SizingInput input(long capacity, DemandWindow demand, LoadSignal load, SizingState state) {
        return new SizingInput(
                new BucketSize(capacity, LIMITS.refillFor(capacity)), LIMITS, RULE, demand, load, state, false);
    }

    private SizingDecision decide(long capacity, DemandWindow demand, LoadSignal load) {
        return policy.decide(now, input(capacity, demand, load, SizingState.initial()));
    }

    // --- the seed's clamp function -------------------------------------------------------------------------------

    @Test
    void shouldGrowWhenDemandExceedsHighThreshold() {
        // Given a bucket of 100 whose demand is 90/s (above 0.8 * 100), on a cool server
        // When the policy decides
        SizingDecision decision = decide(100, demand(90, 90), cpu(0.2));

        // Then it grows by the growth factor, and the refill follows at the rule's ratio
        assertThat(decision.reason()).isEqualTo(SizingReason.GROW_DEMAND);
        assertThat(decision.capacity()).isEqualTo(150);
        assertThat(decision.refillPerSecond()).isEqualTo(150.0);
        assertThat(decision.direction()).isEqualTo(Direction.GROW);
        assertThat(decision.state().lastResizeAtMillis()).isEqualTo(now);
    }

    @Test
    void shouldShrinkWhenDemandFallsBelowLowThreshold() {
        // Given demand of 20/s on a bucket of 100 (below 0.3 * 100)
        SizingDecision decision = decide(100, demand(20, 20), cpu(0.1));

        // Then it shrinks, here by the largest step (towards 20 / 0.55, the middle of the dead band)
        assertThat(decision.reason()).isEqualTo(SizingReason.SHRINK_DEMAND);
        assertThat(decision.capacity()).isEqualTo(50);
        assertThat(decision.refillPerSecond()).isEqualTo(50.0);
    }

    @Test
    void shouldNotShrinkIntoTheGrowthZone() {
        // Given a narrow dead band (0.3 .. 0.4) and a deep shrink factor
        AdaptiveSettings narrow = new AdaptiveSettings(0.4, 0.3, 1.5, 0.1);

        // When 25/s on 100 asks for a shrink
        SizingDecision decision = policy.decide(
                now,
                new SizingInput(
                        new BucketSize(100, 100),
                        LIMITS,
                        narrow,
                        demand(25, 25),
                        cpu(0.1),
                        SizingState.initial(),
                        false));

        // Then it stops at 25 / 0.4 = 63, not lower, where 25/s would be above thresholdHigh and grow it back
        assertThat(decision.reason()).isEqualTo(SizingReason.SHRINK_DEMAND);
        assertThat(decision.capacity()).isEqualTo(63);
    }

    @Test
    void shouldShedUnderPressureEvenWhenDemandIsHigh() {
        // Given a hot server (CPU 0.95 > pressureHigh 0.8) and demand far above the bucket
        SizingDecision decision = decide(100, demand(200, 100), cpu(0.95));

        // Then it does not grow: it sheds, in proportion to the excess: 100 * 0.8 / 0.95 = 84.2
        assertThat(decision.reason()).isEqualTo(SizingReason.SHRINK_PRESSURE);
        assertThat(decision.capacity()).isEqualTo(84);
        assertThat(decision.pressure()).isCloseTo(0.95, within(1e-9));
        assertThat(decision.state().lastShedAtMillis()).isEqualTo(now);
    }

    @Test
    void shouldShedForASaturatedDiskBehindAnIdleCpu() {
        // Given an I/O-bound server: CPU 0.1, its disk busy 95 % of the time, demand far above the bucket
        LoadSignal ioBound = LoadSignal.of(new LoadSample(now, 0.1, 0.3, 0.05, 0.95, Double.NaN));
        SizingDecision decision = decide(100, demand(200, 100), ioBound);

        // Then the disk's pressure (0.95 / 1.0) sheds as a CPU at 0.95 would: 100 * 0.8 / 0.95 = 84.2
        assertThat(decision.reason()).isEqualTo(SizingReason.SHRINK_PRESSURE);
        assertThat(decision.capacity()).isEqualTo(84);
        assertThat(decision.pressure()).isCloseTo(0.95, within(1e-9));
    }

    @Test
    void shouldHoldInDeadBand() {
        // 50/s on 100 is between 0.3 and 0.8 of the size
        SizingDecision decision = decide(100, demand(50, 50), cpu(0.4));

        assertThat(decision.reason()).isEqualTo(SizingReason.HOLD_DEAD_BAND);
        assertThat(decision.resized()).isFalse();
        assertThat(decision.capacity()).isEqualTo(100);
        assertThat(decision.refillPerSecond()).isEqualTo(100.0);
    }

    // --- limits ----------------------------------------------------------------------------------------------------

    @Nested
    class BorrowLimit {

        @Test
        void shouldLetABucketBorrowOnlyWhileItCouldGrowAndNoMoreThanAGrowthWouldTake() {
            // a cool server: borrowing is a growth it has room for, as far as a growth would go:
            // it grows within the headroom to 90 * sqrt(0.8 / 0.5) = 113.8, and may borrow 114 * (sqrt(1.6) - 1) =
            // 30.2 tokens/s on top
            SizingDecision cool = decide(100, demand(90, 90), cpu(0.5));
            assertThat(cool.capacity()).isEqualTo(114);
            assertThat(policy.borrowLimitPerSecond(now, cool)).isCloseTo(114 * (Math.sqrt(1.6) - 1), within(1e-9));
            // 0.75 is under pressureHigh but past where growth stops (0.8 / 1.05^2 = 0.726): no borrowing
            assertThat(policy.borrowLimitPerSecond(now, decide(100, demand(90, 90), cpu(0.75))))
                    .isZero();
        }

        @Test
        void shouldNotBorrowForAHotServerNorUntilTheGrowthHoldAfterItsShedIsOver() {
            SizingDecision shed = decide(100, demand(200, 100), cpu(0.95));
            assertThat(shed.reason()).isEqualTo(SizingReason.SHRINK_PRESSURE);
            assertThat(policy.borrowLimitPerSecond(now, shed)).isZero();

            // 5 s later the server is cool (smoothed 0.5 * 0.3 + 0.5 * 0.95 = 0.625), but the 6 s hold is not over
            now += 5_000;
            SizingDecision cooler = policy.decide(now, input(84, demand(84, 84), cpu(0.3), shed.state()));
            assertThat(policy.borrowLimitPerSecond(now, cooler)).isZero();

            now += 1_000;
            SizingDecision later = policy.decide(now, input(84, demand(84, 84), cpu(0.3), cooler.state()));
            assertThat(policy.borrowLimitPerSecond(now, later)).isPositive();
        }

        @Test
        void shouldNotLimitTheBorrowingOfABucketWithoutALoadSignal() {
            assertThat(policy.borrowLimitPerSecond(now, decide(100, demand(90, 90), LoadSignal.missing())))
                    .isEqualTo(Double.POSITIVE_INFINITY);
        }
    }

    @Nested
    class Limits {

        @Test
        void shouldGrowStepByStepToMaxAndStop() {
            SizeLimits limits = new SizeLimits(10, 300, 1.0);
            long capacity = 100;
            SizingState state = SizingState.initial();
            SizingDecision last = null;
            for (int tick = 0; tick < 20; tick++) {
                now += TICK;
                // demand always above the bucket, server cool
                last = policy.decide(
                        now,
                        new SizingInput(
                                new BucketSize(capacity, capacity),
                                limits,
                                RULE,
                                demand(10_000, capacity),
                                cpu(0.1),
                                state,
                                false));
                assertThat(last.capacity()).isBetween(10L, 300L);
                capacity = last.capacity();
                state = last.state();
            }
            assertThat(capacity).isEqualTo(300);
            assertThat(last.reason()).isEqualTo(SizingReason.HOLD_AT_LIMIT);
        }

        @Test
        void shouldShrinkToMinUnderPressureAndStop() {
            long capacity = 400;
            SizingState state = SizingState.initial();
            SizingDecision last = null;
            for (int tick = 0; tick < 40; tick++) {
                now += TICK;
                last = policy.decide(now, input(capacity, demand(capacity, capacity), cpu(0.95), state));
                capacity = last.capacity();
                state = last.state();
            }
            assertThat(capacity).isEqualTo(LIMITS.minCapacity());
            assertThat(last.reason()).isEqualTo(SizingReason.HOLD_AT_LIMIT);
        }

        @Test
        void shouldClampAtOnceWhenTheRuleLimitsChanged() {
            // Given a bucket of 2000 (the rule's max was lowered to 1000) that was resized a moment ago
            SizingState justResized = SizingState.initial().resizedAt(now - 1, false);

            SizingDecision decision = policy.decide(now, input(2000, demand(1500, 1500), cpu(0.1), justResized));

            // Then the cooldown does not delay the clamp
            assertThat(decision.reason()).isEqualTo(SizingReason.CLAMPED);
            assertThat(decision.capacity()).isEqualTo(1000);
        }
    }

    // --- damping ---------------------------------------------------------------------------------------------------

    @Test
    void shouldWaitForCooldownBetweenResizes() {
        // Given a growth just now
        SizingDecision first = decide(100, demand(90, 90), cpu(0.2));
        assertThat(first.capacity()).isEqualTo(150);

        // When demand is higher still one second later (forecast (90 + 200) / 2 = 145 > 0.8 * 150)
        now += TICK;
        SizingDecision tooSoon = policy.decide(now, input(150, demand(200, 150), cpu(0.2), first.state()));

        // Then it holds until cooldownMillis (2 s) have passed
        assertThat(tooSoon.reason()).isEqualTo(SizingReason.HOLD_COOLDOWN);
        assertThat(tooSoon.capacity()).isEqualTo(150);

        now += TICK;
        SizingDecision later = policy.decide(now, input(150, demand(200, 150), cpu(0.2), tooSoon.state()));
        assertThat(later.reason()).isEqualTo(SizingReason.GROW_DEMAND);
        assertThat(later.capacity()).isGreaterThan(150);
    }

    @Test
    void shouldCapEachStep() {
        // Given a rule with steps far beyond the caps (x4 and x0.1)
        AdaptiveSettings wild = new AdaptiveSettings(0.8, 0.3, 4.0, 0.1);

        SizingDecision up = policy.decide(
                now,
                new SizingInput(
                        new BucketSize(100, 100),
                        LIMITS,
                        wild,
                        demand(500, 100),
                        cpu(0.1),
                        SizingState.initial(),
                        false));
        SizingDecision down = policy.decide(
                now,
                new SizingInput(
                        new BucketSize(100, 100), LIMITS, wild, demand(0, 0), cpu(0.1), SizingState.initial(), false));

        // Then one decision moves at most +50 % / -50 % (maxStepUp / maxStepDown)
        assertThat(up.capacity()).isEqualTo(150);
        assertThat(down.capacity()).isEqualTo(50);
    }

    @Test
    void shouldNotGrowWhileAppLimited() {
        // Given high attempted demand but under half the size granted (the bucket is not what limits the traffic)
        SizingDecision decision = decide(100, demand(90, 40), cpu(0.2));

        assertThat(decision.reason()).isEqualTo(SizingReason.HOLD_APP_LIMITED);
        assertThat(decision.capacity()).isEqualTo(100);
    }

    @Test
    void shouldLimitGrowthToHalfTheHeadroom() {
        // At pressure 0.5 the load may grow by 0.8 / 0.5 = 1.6x before pressureTarget; the policy goes halfway
        // (geometrically): 100 * sqrt(1.6) = 126.5, less than the seed's x1.5
        SizingDecision decision = decide(100, demand(200, 100), cpu(0.5));

        assertThat(decision.reason()).isEqualTo(SizingReason.GROW_DEMAND);
        assertThat(decision.capacity()).isEqualTo(127);
    }

    @Test
    void shouldNotMakeResizesSmallerThanMinChange() {
        // At pressure 0.78 the headroom allows 100 * sqrt(0.8 / 0.78) = 101.3: under 5 %, not worth a resize
        SizingDecision decision = decide(100, demand(200, 100), cpu(0.78));

        assertThat(decision.reason()).isEqualTo(SizingReason.HOLD_SMALL_CHANGE);
        assertThat(decision.capacity()).isEqualTo(100);
    }

    @Test
    void shouldNotGrowSoonAfterShedding() {
        // Given a shed for pressure
        SizingDecision shed = decide(100, demand(200, 100), cpu(0.95));
        assertThat(shed.reason()).isEqualTo(SizingReason.SHRINK_PRESSURE);

        // When the server cools and demand stays high, past the cooldown (2 s) but within growthHoldAfterShedMillis (6
        // s)
        long shedAt = now;
        now = shedAt + 3 * TICK;
        SizingDecision soon = policy.decide(
                now,
                input(
                        shed.capacity(),
                        demand(200, shed.capacity()),
                        LoadSignal.of(LoadSample.of(now, 0.3, Double.NaN)),
                        shed.state()));

        // Then it holds; once the hold is over it grows
        assertThat(soon.reason()).isEqualTo(SizingReason.HOLD_AFTER_SHED);
        now = shedAt + policy.config().damping().growthHoldAfterShedMillis();
        SizingDecision later = policy.decide(
                now,
                input(
                        shed.capacity(),
                        demand(200, shed.capacity()),
                        LoadSignal.of(LoadSample.of(now, 0.3, Double.NaN)),
                        soon.state()));
        assertThat(later.reason()).isEqualTo(SizingReason.GROW_DEMAND);
    }

    @Test
    void shouldGrowSmallBucketsByAtLeastOneToken() {
        SizeLimits limits = new SizeLimits(1, 10, 1.0);
        AdaptiveSettings gentle = new AdaptiveSettings(0.8, 0.3, 1.1, 0.9);

        SizingDecision decision = policy.decide(
                now,
                new SizingInput(
                        new BucketSize(1, 1),
                        limits,
                        gentle,
                        demand(5, 1),
                        LoadSignal.untracked(),
                        SizingState.initial(),
                        false));

        assertThat(decision.capacity()).isEqualTo(2);
    }

    // --- pressure smoothing ----------------------------------------------------------------------------------------

    @Nested
    class Pressure {

        private SizingState warmAt(double pressure) {
            return SizingState.initial().withPressure(pressure, now - TICK);
        }

        @Test
        void shouldNotShedOnASingleNoisySample() {
            // Given a smoothed pressure of 0.6, one sample of 0.9 moves it to 0.75 only
            SizingDecision decision = policy.decide(now, input(100, demand(60, 60), cpu(0.9), warmAt(0.6)));

            assertThat(decision.pressure()).isCloseTo(0.75, within(1e-9));
            assertThat(decision.resized()).isFalse();
        }

        @Test
        void shouldShedAtOnceOnASaturatedSample() {
            // A signal at its target (CPU 100 %) is not smoothed away
            SizingDecision decision = policy.decide(now, input(100, demand(100, 100), cpu(1.0), warmAt(0.6)));

            assertThat(decision.reason()).isEqualTo(SizingReason.SHRINK_PRESSURE);
            assertThat(decision.capacity()).isEqualTo(80);
        }

        @Test
        void shouldNotShedWhenTheNewestSampleIsBelowPressureHigh() {
            // Given a smoothed level of 1.5 left by a queue that has since drained, a sample of 0.7 smooths it to 1.1
            SizingDecision decision = policy.decide(now, input(100, demand(60, 60), cpu(0.7), warmAt(1.5)));

            // Then the newest sample does not confirm a shed: the policy acts on it
            assertThat(decision.state().pressure()).isCloseTo(1.1, within(1e-9));
            assertThat(decision.pressure()).isCloseTo(0.7, within(1e-9));
            assertThat(decision.reason()).isEqualTo(SizingReason.HOLD_DEAD_BAND);
        }

        @Test
        void shouldShedOnlyTheExcessTheNewestAndTheSmoothedPressureAgreeOn() {
            // Smoothed 0.9 and a sample of 0.85 give 0.875; the newest sample is lower, so the shed aims from 0.85:
            // 100 * 0.8 / 0.85 = 94.1
            SizingDecision decision = policy.decide(now, input(100, demand(100, 100), cpu(0.85), warmAt(0.9)));

            assertThat(decision.reason()).isEqualTo(SizingReason.SHRINK_PRESSURE);
            assertThat(decision.pressure()).isCloseTo(0.85, within(1e-9));
            assertThat(decision.capacity()).isEqualTo(94);
        }

        @Test
        void shouldNotShedAgainWhileTheLastShedDrainsTheQueue() {
            // Given a shed on a saturated sample: latency p99 five times its target
            SizingDecision shed =
                    policy.decide(now, input(200, demand(200, 200), latency(5000), SizingState.initial()));
            assertThat(shed.reason()).isEqualTo(SizingReason.SHRINK_PRESSURE);
            assertThat(shed.capacity()).isEqualTo(160);

            // When, past the cooldown, the latency is still over its target but has fallen to 1.2 (under 0.3 x 5)
            now += 2 * TICK;
            SizingDecision draining = policy.decide(now, input(160, demand(200, 160), latency(1200), shed.state()));

            // Then the queue is draining: no second shed
            assertThat(draining.reason()).isEqualTo(SizingReason.HOLD_DRAINING);
            assertThat(draining.capacity()).isEqualTo(160);

            // And once the latency stops falling fast (1.1 after a smoothed 3.1), the overload goes on: it sheds
            now += TICK;
            SizingDecision again = policy.decide(now, input(160, demand(200, 160), latency(1100), draining.state()));
            assertThat(again.reason()).isEqualTo(SizingReason.SHRINK_PRESSURE);
            assertThat(again.capacity()).isEqualTo(128);
        }

        @Test
        void shouldShedOnAFallingButSaturatedSampleWithoutARecentShed() {
            // The same fall (5 -> 1.2) with no shed of ours behind it is no drain we caused: shed
            SizingDecision decision = policy.decide(now, input(200, demand(200, 200), latency(1200), warmAt(5)));

            assertThat(decision.reason()).isEqualTo(SizingReason.SHRINK_PRESSURE);
            assertThat(decision.capacity()).isEqualTo(160);
        }

        private LoadSignal latency(double p99Ms) {
            return LoadSignal.of(LoadSample.of(now, 0.5, p99Ms));
        }

        @Test
        void shouldCountEachSampleOnce() {
            // The same report seen on two ticks (the agent reports slower than the sizing loop)
            LoadSignal sample = cpu(0.9);
            SizingDecision first = policy.decide(now, input(100, demand(60, 60), sample, warmAt(0.6)));
            now += 100;
            SizingDecision second = policy.decide(now, input(100, demand(60, 60), sample, first.state()));

            assertThat(second.pressure()).isEqualTo(first.pressure());
        }
    }

    // --- missing data and overrides --------------------------------------------------------------------------------

    @Nested
    class Holds {

        @Test
        void shouldHoldWhenLoadReportIsStale() {
            LoadSignal old = LoadSignal.of(LoadSample.of(now - 6_000, 0.1, Double.NaN)); // staleAfter 5 s

            SizingDecision decision = decide(100, demand(500, 100), old);

            assertThat(decision.reason()).isEqualTo(SizingReason.HOLD_LOAD_STALE);
            assertThat(decision.capacity()).isEqualTo(100);
        }

        @Test
        void shouldHoldWhenLoadReportIsMissing() {
            SizingDecision decision = decide(100, demand(500, 100), LoadSignal.missing());

            assertThat(decision.reason()).isEqualTo(SizingReason.HOLD_LOAD_MISSING);
            assertThat(decision.capacity()).isEqualTo(100);
        }

        @Test
        void shouldHoldWithoutDemandData() {
            SizingDecision decision = decide(100, DemandWindow.none(), cpu(0.1));

            assertThat(decision.reason()).isEqualTo(SizingReason.HOLD_NO_DEMAND_DATA);
            assertThat(decision.state().forecast().isEmpty()).isTrue();
        }

        @Test
        void shouldFollowDemandAloneWhenLoadIsUntracked() {
            SizingDecision decision = decide(100, demand(90, 90), LoadSignal.untracked());

            assertThat(decision.reason()).isEqualTo(SizingReason.GROW_DEMAND);
            assertThat(decision.pressure()).isZero();
        }

        @Test
        void shouldHoldWhilePinnedByAnOverride() {
            // Given an override: demand high, server hot, even a size outside the rule's limits
            for (LoadSignal load : new LoadSignal[] {cpu(0.1), cpu(0.99)}) {
                for (long capacity : new long[] {5, 100, 5000}) {
                    SizingDecision decision = policy.decide(
                            now,
                            new SizingInput(
                                    new BucketSize(capacity, 7),
                                    LIMITS,
                                    RULE,
                                    demand(10_000, capacity),
                                    load,
                                    SizingState.initial(),
                                    true));

                    // Then nothing changes, not even the refill
                    assertThat(decision.reason()).isEqualTo(SizingReason.HOLD_PINNED);
                    assertThat(decision.capacity()).isEqualTo(capacity);
                    assertThat(decision.refillPerSecond()).isEqualTo(7.0);
                }
            }
        }

        @Test
        void shouldKeepForecastWarmDuringHolds() {
            SizingDecision pinned = policy.decide(
                    now,
                    new SizingInput(
                            new BucketSize(100, 100),
                            LIMITS,
                            RULE,
                            demand(90, 90),
                            cpu(0.1),
                            SizingState.initial(),
                            true));

            assertThat(pinned.predictedPerSecond()).isEqualTo(90.0);
            assertThat(pinned.state().forecast().observations()).isEqualTo(1);
        }
    }

    @Test
    void shouldKeepTheRulesRefillRatio() {
        // Given a rule of capacity 100 refilling 10/s: refill follows capacity at 0.1/s per token
        SizeLimits limits = SizeLimits.of(10, 1000, 100, 10);

        SizingDecision decision = policy.decide(
                now,
                new SizingInput(
                        new BucketSize(100, 10), limits, RULE, demand(9, 9), cpu(0.1), SizingState.initial(), false));

        // 9/s against a refill of 10/s is 90 % of the bucket: it grows, and the refill with it
        assertThat(decision.capacity()).isEqualTo(150);
        assertThat(decision.refillPerSecond()).isCloseTo(15.0, within(1e-9));
    }

    @Test
    void shouldTreatACooldownFromAClockAheadOfOursAsNotOver() {
        // The partition moved to a member whose clock is behind the one that resized
        SizingState resizedInOurFuture = SizingState.initial().resizedAt(now + 60_000, false);

        SizingDecision decision = policy.decide(now, input(100, demand(90, 90), cpu(0.1), resizedInOurFuture));

        assertThat(decision.reason()).isEqualTo(SizingReason.HOLD_COOLDOWN);
    }
}
