package dev.tokenplane.bms.sizing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.BmsOptions;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.ManualScheduler;
import dev.tokenplane.bms.support.TestSettings;
import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.FakeClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The cost of one sizing tick on one member, per {@code bench.buckets} owned adaptive buckets (default 10,000): a
 * steady tick (every bucket inside the dead band: drained, decided, its state stored, no resize) and a tick in which
 * every bucket grows (store resize, history, metric). Time is a clock the benchmark moves (1 s per tick), so every
 * demand window is exact; the loop is ticked by hand ({@link ManualScheduler}), not by the member's timer.
 *
 * <p>{@code mvn -B -ntp -pl bucket-management-service -am test -Pbench -Dtest=SizingTickBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}; writes {@code bucket-management-service/target/sizing-benchmark.md}.
 */
class SizingTickBenchmark {
    private static final int BUCKETS = Integer.getInteger("bench.buckets", 10_000);
    private static final int STEADY_TICKS = Integer.getInteger("bench.ticks", 20);
    private static final int GROWTH_ROUNDS = Integer.getInteger("bench.rounds", 5);
    private static final int BATCH = 1000;

    private final FakeClock clock = new FakeClock(System.currentTimeMillis());
    private final ManualScheduler ticks = new ManualScheduler(clock);

    @Test
    void shouldMeasureTheTickCostPerOwnedBuckets() throws Exception {
        String loadBefore = loadAverage();
        BmsNode node = BmsNode.start(
                TestSettings.member().with("BMS_SIZING_INTERVAL_MS", "1000").build(),
                BmsOptions.CORE.withSizing(true).withScheduler(vertx -> ticks),
                clock);
        try {
            Api api = new Api(node.url(), node.adminToken());
            BucketStore store = node.store();

            // steady: 100 tokens, 100/s, asked for 50 each second: inside the dead band (0.3..0.8), every tick holds
            rule(api, "steady");
            BucketSpec steady = node.rules().index().byId("steady").spec();
            demand(store, "steady", steady, 50);
            long[] holds = new long[STEADY_TICKS];
            for (int i = -3; i < STEADY_TICKS; i++) {
                long took = tick();
                if (i >= 0) {
                    holds[i] = took;
                }
                demand(store, "steady", steady, 50);
            }
            api.delete("/v1/rules/steady");
            tick(); // drops the states of the steady buckets

            // growth: fresh buckets asked for their whole capacity in their first second: every one grows
            long[] growths = new long[GROWTH_ROUNDS];
            for (int r = -1; r < GROWTH_ROUNDS; r++) {
                String id = "grow" + (r + 1);
                rule(api, id);
                demand(store, id, node.rules().index().byId(id).spec(), 100);
                long took = tick();
                if (r >= 0) {
                    growths[r] = took;
                }
                assertThat(node.history().get(id + ":k0").toCompletableFuture().get())
                        .isPresent();
                api.delete("/v1/rules/" + id);
                tick();
            }
            report(holds, growths, loadBefore, loadAverage());
        } finally {
            node.stop();
        }
    }

    private static void rule(Api api, String id) {
        assertThat(api.put(
                                "/v1/rules/" + id,
                                Map.of(
                                        "match",
                                        id + ":*",
                                        "capacity",
                                        100,
                                        "refillPerSecond",
                                        100,
                                        "minCapacity",
                                        10,
                                        "maxCapacity",
                                        1_000_000,
                                        "adaptive",
                                        Map.of("enabled", true)))
                        .status())
                .isEqualTo(201);
    }

    /** One acquire of {@code tokens} on each of the benchmark's buckets of rule {@code id} (created on first use). */
    private static void demand(BucketStore store, String id, BucketSpec spec, long tokens) throws Exception {
        for (int from = 0; from < BUCKETS; from += BATCH) {
            List<AcquireCommand> batch = new ArrayList<>(BATCH);
            for (int i = from; i < Math.min(BUCKETS, from + BATCH); i++) {
                batch.add(new AcquireCommand(id + ":k" + i, spec, tokens, 0));
            }
            store.acquireAll(batch).toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    /** One sizing tick, a second after the last; answers its duration. */
    private long tick() throws Exception {
        clock.advance(1000);
        long start = System.nanoTime();
        ticks.run("sizing tick");
        return System.nanoTime() - start;
    }

    private static String loadAverage() throws Exception {
        return Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0];
    }

    private static void report(long[] holds, long[] growths, String loadBefore, String loadAfter) throws Exception {
        String text = String.format(
                Locale.ROOT,
                """
                        ## Sizing tick cost, %,d owned adaptive buckets, one member

                        | tick | ticks | median ms | p90 ms | max ms | per 10k buckets (median) |
                        |---|---:|---:|---:|---:|---:|
                        | steady (every bucket holds) | %d | %.1f | %.1f | %.1f | %.1f ms |
                        | growth (every bucket resized) | %d | %.1f | %.1f | %.1f | %.1f ms |

                        JDK %s, %d CPUs, load average (1 min) before %s, after %s
                        """,
                BUCKETS,
                holds.length,
                ms(holds, 0.5),
                ms(holds, 0.9),
                ms(holds, 1.0),
                ms(holds, 0.5) * 10_000 / BUCKETS,
                growths.length,
                ms(growths, 0.5),
                ms(growths, 0.9),
                ms(growths, 1.0),
                ms(growths, 0.5) * 10_000 / BUCKETS,
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                loadBefore,
                loadAfter);
        System.out.println(text);
        Files.writeString(Path.of("target", "sizing-benchmark.md"), text);
    }

    private static double ms(long[] nanos, double quantile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
