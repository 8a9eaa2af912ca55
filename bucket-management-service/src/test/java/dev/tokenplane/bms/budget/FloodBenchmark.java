package dev.tokenplane.bms.budget;

import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.BmsProcess;
import dev.tokenplane.bms.support.KeyFlood;
import dev.tokenplane.bms.support.ProcessCpu;
import dev.tokenplane.bms.support.WellBehavedClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The flood benchmark of issue 11 (a program, not a test; {@code bench/flood.sh} runs it). Each run starts a fresh
 * member JVM ({@code -Xmx256m}, the default budget, API keys for two clients: {@code alice} and {@code mallory}), then:
 * <ol>
 *   <li>baseline: a well-behaved client (alice: one thread, one request after the other, one existing key) alone for
 *       {@code baselineSeconds}: its decision rate;</li>
 *   <li>flood: the same client while mallory's {@code floodThreads} threads send up to {@code floodKeys} distinct keys
 *       in batches of 1,000, for at most {@code floodSeconds}. A hostile flood: a batch answered 429
 *       {@code creation_rate_exceeded} is sent again at once, ignoring Retry-After. Measured: alice's decision rate,
 *       and the member's heap after a full GC when the budget is reached and after the flood;</li>
 *   <li>baseline again: alice alone for {@code baselineSeconds} after the flood. The ratio is the rate during the
 *       flood against the mean of the two baselines, so that what drifts over a run (the JIT still compiling, the
 *       other processes of a shared machine) does not favour either side.</li>
 * </ol>
 * It prints one line per run and the medians of the ratios. Arguments: runs, floodKeys, floodThreads, baselineSeconds,
 * floodKeysPerSecond (0, the default: as fast as the member answers; otherwise a paced flood), floodSeconds (60),
 * refusalsPerSecond (the member's {@code BMS_CLIENT_REFUSALS_PER_SECOND}; empty: its default; 0 turns the per-client
 * limit off, the budget alone), warmUpSeconds (10: how long a client warms the member up before the first baseline).
 */
public final class FloodBenchmark {
    static final String ALICE = "bench-key-alice-0001";
    static final String MALLORY = "bench-key-mallory-01";

    private FloodBenchmark() {}

    record Run(
            double baselineRate,
            double baselineAfterRate,
            double floodRate,
            double floodSeconds,
            long limit,
            long heapAtBudgetMb,
            long heapAfterFloodMb,
            long sent,
            long decided,
            long refused,
            long throttledAnswers,
            Cpu aloneCpu,
            Cpu floodCpu) {
        double ratio() {
            return floodRate / ((baselineRate + baselineAfterRate) / 2);
        }
    }

    /**
     * CPUs used on average during a phase: by the member, by this process (the load generator), by the machine; and
     * the member's threads waiting for a CPU on average (runnable, not running: the other processes' share).
     */
    record Cpu(double member, double generator, double machine, double memberWaiting) {
        static Cpu between(ProcessCpu.Sample[] before, ProcessCpu.Sample[] after) {
            return new Cpu(
                    after[0].processCores(before[0]),
                    after[1].processCores(before[1]),
                    after[0].machineCores(before[0]),
                    after[0].processWaiting(before[0]));
        }

        @Override
        public String toString() {
            return String.format(
                    "member %.2f, generator %.2f, machine %.2f CPUs, member threads waiting for a CPU %.2f",
                    member, generator, machine, memberWaiting);
        }
    }

    private static ProcessCpu.Sample[] cpu(BmsProcess bms) {
        return new ProcessCpu.Sample[] {
            ProcessCpu.sample(bms.pid()),
            ProcessCpu.sample(ProcessHandle.current().pid())
        };
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        long floodKeys = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
        int floodThreads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int baselineSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        long floodRate = args.length > 4 ? Long.parseLong(args[4]) : 0;
        int floodSeconds = args.length > 5 ? Integer.parseInt(args[5]) : 60;
        String refusalsPerSecond = args.length > 6 ? args[6] : "";
        int warmUpSeconds = args.length > 7 ? Integer.parseInt(args[7]) : 10;
        List<Run> results = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Run r = run(
                    floodKeys,
                    floodThreads,
                    baselineSeconds,
                    floodRate,
                    floodSeconds,
                    refusalsPerSecond,
                    warmUpSeconds);
            results.add(r);
            System.out.printf(
                    "run %d: well-behaved %.0f decisions/s alone before, %.0f after, %.0f during the flood (ratio %.2f); flood "
                            + "for %.1f s: %d keys decided (%d created, %d refused bucket_budget_exhausted), %d "
                            + "batches answered 429; budget %d; heap after GC %d MB at budget, %d MB after the "
                            + "flood; CPU alone: %s; during the flood: %s; load average %s%n",
                    i + 1,
                    r.baselineRate(),
                    r.baselineAfterRate(),
                    r.floodRate(),
                    r.ratio(),
                    r.floodSeconds(),
                    r.sent(),
                    r.decided(),
                    r.refused(),
                    r.throttledAnswers(),
                    r.limit(),
                    r.heapAtBudgetMb(),
                    r.heapAfterFloodMb(),
                    r.aloneCpu(),
                    r.floodCpu(),
                    loadAverage());
        }
        System.out.printf(
                "median ratio %.2f (min %.2f, max %.2f); median heap growth from budget to end %d MB%n",
                median(results.stream().mapToDouble(Run::ratio).toArray()),
                results.stream().mapToDouble(Run::ratio).min().orElse(0),
                results.stream().mapToDouble(Run::ratio).max().orElse(0),
                (long) median(results.stream()
                        .mapToDouble(r -> r.heapAfterFloodMb() - r.heapAtBudgetMb())
                        .toArray()));
    }

    private static Run run(
            long floodKeys,
            int floodThreads,
            int baselineSeconds,
            long floodKeysPerSecond,
            int floodSeconds,
            String refusalsPerSecond,
            int warmUpSeconds)
            throws Exception {
        Path rules = KeyFlood.rulesFile(1_000_000_000L, 1e9);
        Path keys = Files.createTempFile("flood-api-keys", ".yaml");
        Files.writeString(keys, ALICE + ": alice\n" + MALLORY + ": mallory\n");
        Map<String, String> env =
                new HashMap<>(Map.of("BMS_RULES_FILE", rules.toString(), "BMS_API_KEYS_FILE", keys.toString()));
        if (!refusalsPerSecond.isEmpty()) {
            env.put("BMS_CLIENT_REFUSALS_PER_SECOND", refusalsPerSecond);
        }
        try (BmsProcess bms = BmsProcess.start("256m", env)) {
            Api api = bms.api();
            long limit = (long) api.metric("bms_bucket_budget_limit");
            WellBehavedClient warmUp = new WellBehavedClient(bms.url(), "good:warm-up", null, ALICE);
            TimeUnit.SECONDS.sleep(warmUpSeconds);
            warmUp.close();

            Cpu[] aloneCpu = new Cpu[1];
            double baselineRate = alone(bms, baselineSeconds, aloneCpu);

            WellBehavedClient during = new WellBehavedClient(bms.url(), "good:alice", null, ALICE);
            long[] heapAtBudget = {-1};
            Thread watcher = new Thread(() -> {
                try {
                    Await.until(
                            () -> (long) api.metric("bms_bucket_budget_used") >= limit,
                            Duration.ofMinutes(30),
                            () -> "the bucket budget never filled");
                    heapAtBudget[0] = bms.heapUsedAfterGc() >> 20;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            watcher.setDaemon(true);
            watcher.start();
            long floodStart = System.nanoTime();
            long decisionsBefore = during.decisions();
            ProcessCpu.Sample[] cpuFloodBefore = cpu(bms);
            KeyFlood flood = new KeyFlood(MALLORY, true)
                    .stopAt(floodStart + floodSeconds * 1_000_000_000L)
                    .run(bms.url(), "flood:", floodKeys, floodThreads, floodKeysPerSecond);
            double seconds = (System.nanoTime() - floodStart) / 1e9;
            double floodRate = (during.decisions() - decisionsBefore) / seconds;
            Cpu floodCpu = Cpu.between(cpuFloodBefore, cpu(bms));
            during.close();
            watcher.join(30_000);
            if (!bms.isAlive() || flood.failedBatches.get() > 0 || flood.otherErrors.get() > 0) {
                throw new IllegalStateException(
                        "the member failed the flood (alive: " + bms.isAlive() + ", failed batches: "
                                + flood.failedBatches.get() + ", other errors: " + flood.otherErrors.get()
                                + ", throttled answers: "
                                + flood.throttledAnswers.get() + "): " + flood.lastProblem());
            }
            double baselineAfterRate = alone(bms, baselineSeconds, new Cpu[1]);
            return new Run(
                    baselineRate,
                    baselineAfterRate,
                    floodRate,
                    seconds,
                    limit,
                    heapAtBudget[0],
                    bms.heapUsedAfterGc() >> 20,
                    flood.sent.get(),
                    flood.decided.get(),
                    flood.refused.get(),
                    flood.throttledAnswers.get(),
                    aloneCpu[0],
                    floodCpu);
        }
    }

    /** Alice alone for {@code seconds}: her decisions per second; the CPU figures of the phase go to {@code cpu[0]}. */
    private static double alone(BmsProcess bms, int seconds, Cpu[] cpu) throws InterruptedException {
        WellBehavedClient alone = new WellBehavedClient(bms.url(), "good:alice", null, ALICE);
        long start = System.nanoTime();
        long before = alone.decisions();
        ProcessCpu.Sample[] cpuBefore = cpu(bms);
        TimeUnit.SECONDS.sleep(seconds);
        long decisions = alone.decisions() - before;
        cpu[0] = Cpu.between(cpuBefore, cpu(bms));
        double rate = decisions / ((System.nanoTime() - start) / 1e9);
        alone.close();
        return rate;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).substring(0, 14).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
