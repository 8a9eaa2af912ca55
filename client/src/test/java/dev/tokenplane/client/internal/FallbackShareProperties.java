package dev.tokenplane.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.client.Decision;
import dev.tokenplane.client.DecisionSource;
import dev.tokenplane.client.FallbackPolicy;
import dev.tokenplane.client.RateLimiterClientConfig;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.FakeClock;
import dev.tokenplane.store.Tokens;
import dev.tokenplane.store.local.LocalBucketStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Issue 13, point 6: N hosts in the {@code LOCAL} fallback, with the default (learned) share, admit together at most
 * the key's limit over any window: {@code capacity + refill * length}, plus the stated rounding of one token per host
 * and one nanotoken per ms per host (each local bucket is rounded down, but to at least 1 token and 1 nanotoken/ms).
 *
 * <p>The BMS is a {@link LocalBucketStore} on a fake clock (the same bucket maths). The hosts first take tokens from it
 * with demands of their own for a while (and learn from its answers, as the client does), then it goes away: each host
 * falls back at its own moment, within 3 s of the others and wherever the 10 s windows fall, and asks its fallback for
 * tokens as hard as it likes. Every 5 ms step, in order.
 */
class FallbackShareProperties {
    private static final long STEP_MS = 5;
    private static final String KEY = "k";

    @Property(tries = 40)
    void nHostsInFallbackAdmitAtMostTheLimitInTotalOverAnyWindow(
            @ForAll @IntRange(min = 1, max = 6) int hosts,
            @ForAll @LongRange(min = 1, max = 200) long capacity,
            @ForAll @DoubleRange(min = 0.5, max = 100) double refillPerSecond,
            @ForAll @LongRange(min = 20_000, max = 40_000) long learnMs,
            @ForAll @LongRange(min = 0, max = 9_999) long startOffsetMs,
            @ForAll long seed) {
        Random random = new Random(seed);
        FakeClock clock = new FakeClock(1_700_000_000_000L + startOffsetMs);
        LocalBucketStore bms = new LocalBucketStore(clock);
        BucketSpec spec = BucketSpec.of(capacity, refillPerSecond);
        List<LocalFallback> fallbacks = new ArrayList<>();
        double[] learnDemand = new double[hosts];
        double[] outageDemand = new double[hosts];
        long[] fallsBackAt = new long[hosts];
        long outageStart = clock.millis() + learnMs;
        for (int h = 0; h < hosts; h++) {
            fallbacks.add(new LocalFallback(
                    FallbackPolicy.LOCAL,
                    RateLimiterClientConfig.DEFAULT_FALLBACK_SHARE,
                    RateLimiterClientConfig.ofDefaults().fallbackDefaultLimit(),
                    100,
                    clock));
            learnDemand[h] = random.nextDouble();
            outageDemand[h] = 0.2 + 0.8 * random.nextDouble();
            fallsBackAt[h] = outageStart + STEP_MS * random.nextInt(600); // within 3 s of each other
        }
        long end = outageStart + 25_000;
        int steps = (int) ((end - outageStart) / STEP_MS);
        long[] admitted = new long[steps];
        try {
            while (clock.millis() < end) {
                long now = clock.millis();
                for (int h = 0; h < hosts; h++) {
                    double demand = now < fallsBackAt[h] ? learnDemand[h] : outageDemand[h];
                    if (random.nextDouble() >= demand) {
                        continue;
                    }
                    long tokens = 1 + random.nextInt((int) Math.min(3, capacity));
                    if (now < fallsBackAt[h]) {
                        fallbacks.get(h).learn(bmsDecision(bms, spec, tokens));
                    } else {
                        Decision d = fallbacks.get(h).decide(KEY, tokens, 0, 100);
                        assertThat(d.source()).isEqualTo(DecisionSource.LOCAL);
                        if (d.granted() && now >= outageStart) {
                            admitted[(int) ((now - outageStart) / STEP_MS)] += tokens;
                        }
                    }
                }
                clock.advance(STEP_MS);
            }
        } finally {
            fallbacks.forEach(LocalFallback::close);
            bms.close();
        }

        // Then over every window of the outage, the hosts together admitted at most the limit plus the rounding:
        // the largest sum over a run of steps of (admitted - what the refill and the rate rounding allow per step)
        // is at most the capacity plus one token per host (Kadane's maximum subarray, so every window is checked)
        double allowedPerStep = (refillPerSecond + hosts * 0.001) * STEP_MS / 1000.0;
        double best = Double.NEGATIVE_INFINITY;
        double run = 0;
        for (long a : admitted) {
            run = Math.max(run, 0) + (a - allowedPerStep);
            best = Math.max(best, run);
        }
        assertThat(best)
                .as(
                        "%d hosts, capacity %d, refill %.3f/s: the worst window's excess over the refill",
                        hosts, capacity, refillPerSecond)
                .isLessThanOrEqualTo(capacity + hosts + 1e-9);
    }

    /** The BMS's decision on one request, as the client sees it. */
    private static Decision bmsDecision(LocalBucketStore bms, BucketSpec spec, long tokens) {
        AcquireResult r =
                bms.acquire(KEY, spec, tokens, 0).toCompletableFuture().join();
        return new Decision(
                KEY,
                r.granted(),
                tokens,
                r.remaining(),
                r.capacity(),
                Tokens.perSecond(spec.ratePerMilli()),
                0,
                0,
                "rule",
                DecisionSource.BMS);
    }
}
