package dev.tokenplane.bms.budget;

import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.BmsProcess;
import dev.tokenplane.bms.support.KeyFlood;
import dev.tokenplane.bms.support.WellBehavedClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The flood benchmark of issue 11 (a program, not a test; {@code bench/flood.sh} runs it). Each run starts a fresh
 * member JVM ({@code -Xmx256m}, the default budget), then:
 * <ol>
 *   <li>baseline: a well-behaved client (one thread, one request after the other, one existing key) alone for
 *       {@code baselineSeconds}: its decision rate;</li>
 *   <li>flood: the same client while {@code floodThreads} clients send {@code floodKeys} distinct keys in batches of
 *       1,000: its decision rate, and the member's heap after a full GC when the budget is reached and after the
 *       flood.</li>
 * </ol>
 * It prints one line per run and the medians of the ratios. Arguments: runs, floodKeys, floodThreads, baselineSeconds,
 * floodKeysPerSecond (0, the default: as fast as the member answers; otherwise a paced flood).
 */
public final class FloodBenchmark {
    private FloodBenchmark() {
    }

    record Run(double baselineRate, double floodRate, double floodSeconds, long limit, long heapAtBudgetMb,
               long heapAfterFloodMb, long refused) {
        double ratio() {
            return floodRate / baselineRate;
        }
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        long floodKeys = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
        int floodThreads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int baselineSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        long floodRate = args.length > 4 ? Long.parseLong(args[4]) : 0;
        List<Run> results = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Run r = run(floodKeys, floodThreads, baselineSeconds, floodRate);
            results.add(r);
            System.out.printf("run %d: well-behaved %.0f decisions/s alone, %.0f during the flood (ratio %.2f); flood "
                            + "of %d keys took %.1f s (%.0f keys/s), %d refused; budget %d; heap after GC %d MB at "
                            + "budget, %d MB after the flood%n", i + 1, r.baselineRate(), r.floodRate(), r.ratio(),
                    floodKeys, r.floodSeconds(), floodKeys / r.floodSeconds(), r.refused(), r.limit(),
                    r.heapAtBudgetMb(), r.heapAfterFloodMb());
        }
        System.out.printf("median ratio %.2f (min %.2f, max %.2f); median heap growth from budget to end %d MB%n",
                median(results.stream().mapToDouble(Run::ratio).toArray()),
                results.stream().mapToDouble(Run::ratio).min().orElse(0),
                results.stream().mapToDouble(Run::ratio).max().orElse(0),
                (long) median(results.stream().mapToDouble(r -> r.heapAfterFloodMb() - r.heapAtBudgetMb())
                        .toArray()));
    }

    private static Run run(long floodKeys, int floodThreads, int baselineSeconds, long floodKeysPerSecond)
            throws Exception {
        Path rules = KeyFlood.rulesFile(1_000_000_000L, 1e9);
        try (BmsProcess bms = BmsProcess.start("256m", Map.of("BMS_RULES_FILE", rules.toString()))) {
            Api api = bms.api();
            long limit = (long) api.metric("bms_bucket_budget_limit");
            WellBehavedClient warmUp = new WellBehavedClient(bms.url(), "good:warm-up", null);
            TimeUnit.SECONDS.sleep(10);
            warmUp.close();

            WellBehavedClient alone = new WellBehavedClient(bms.url(), "good:alice", null);
            long start = System.nanoTime();
            TimeUnit.SECONDS.sleep(baselineSeconds);
            long aloneDecisions = alone.decisions();
            double baselineRate = aloneDecisions / ((System.nanoTime() - start) / 1e9);
            alone.close();

            WellBehavedClient during = new WellBehavedClient(bms.url(), "good:alice", null);
            long[] heapAtBudget = {-1};
            Thread watcher = new Thread(() -> {
                try {
                    Await.until(() -> (long) api.metric("bms_bucket_budget_used") >= limit, Duration.ofMinutes(30),
                            () -> "the bucket budget never filled");
                    heapAtBudget[0] = bms.heapUsedAfterGc() >> 20;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            watcher.start();
            long floodStart = System.nanoTime();
            long decisionsBefore = during.decisions();
            KeyFlood flood = new KeyFlood().run(bms.url(), "flood:", floodKeys, floodThreads, floodKeysPerSecond);
            double floodSeconds = (System.nanoTime() - floodStart) / 1e9;
            double floodRate = (during.decisions() - decisionsBefore) / floodSeconds;
            during.close();
            watcher.join();
            if (!bms.isAlive() || flood.failedBatches.get() > 0 || flood.otherErrors.get() > 0) {
                throw new IllegalStateException("the member failed the flood: " + flood.lastProblem());
            }
            return new Run(baselineRate, floodRate, floodSeconds, limit, heapAtBudget[0],
                    bms.heapUsedAfterGc() >> 20, flood.refused.get());
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
