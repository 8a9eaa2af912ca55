package dev.tokenplane.bms.hotkeys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.TestCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Three real members (Hazelcast on loopback, real HTTP) hammering one key at once, each serving it from a lease of
 * its own: the grants of all of them together stay within {@code capacity + refill * elapsed}, and each member did
 * answer from its lease (the test fails without member-local leases).
 */
class HotKeyClusterTest {
    private static final int MEMBERS = 3;
    private static final int CALLERS_PER_MEMBER = 3;
    /**
     * Large enough that the callers cannot drain it within the first promotion windows on an idle machine (nine
     * loopback callers take about 200 tokens in 20 ms): a lease forms only while the bucket holds the request and the
     * lease, so a bucket drained before promotion would leave nothing to lease.
     */
    private static final long CAPACITY = 2_000;

    private static final double REFILL_PER_SECOND = 50;
    /** The callers keep going at least this long, and until the bucket denied {@link #DENIALS} times. */
    private static final long MIN_RUN_MS = 2_000;

    private static final long DENIALS = 100;
    private static final long MAX_RUN_MS = 60_000;

    @Test
    void membersLeasingOneKeyNeverGrantMoreThanTheBucketRefilled() throws Exception {
        try (TestCluster cluster = new TestCluster(MEMBERS)) {
            for (int i = 0; i < MEMBERS; i++) {
                cluster.settings(i).with("BMS_HOT_KEY_RATE", "20").with("BMS_HOT_KEY_LEASE_MS", "50");
                cluster.start(i);
            }
            cluster.api(0)
                    .put(
                            "/v1/rules/hk",
                            Map.of("match", "hk:*", "capacity", CAPACITY, "refillPerSecond", REFILL_PER_SECOND));
            for (int i = 0; i < MEMBERS; i++) {
                Api api = cluster.api(i);
                Await.until(() -> api.get("/v1/rules/hk").status() == 200);
            }

            AtomicLong granted = new AtomicLong();
            AtomicLong denied = new AtomicLong();
            ExecutorService callers = Executors.newFixedThreadPool(MEMBERS * CALLERS_PER_MEMBER);
            long start = System.currentTimeMillis(); // before the bucket exists: a bound from here is conservative
            long end;
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int i = 0; i < MEMBERS * CALLERS_PER_MEMBER; i++) {
                    Api api = cluster.api(i % MEMBERS);
                    running.add(callers.submit(() -> {
                        long ran;
                        while ((ran = System.currentTimeMillis() - start) < MIN_RUN_MS
                                || (denied.get() < DENIALS && ran < MAX_RUN_MS)) {
                            Api.Response r = api.post("/v1/buckets/hk:one/acquire", Map.of("tokens", 1));
                            assertThat(r.status()).as(r.toString()).isEqualTo(200);
                            (r.json().get("granted").asBoolean() ? granted : denied).incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : running) {
                    f.get();
                }
                end = System.currentTimeMillis();
            } finally {
                callers.shutdownNow();
            }

            double bound = CAPACITY + REFILL_PER_SECOND * (end - start) / 1000d;
            assertThat(granted.get())
                    .as("granted %d, denied %d in %d ms", granted.get(), denied.get(), end - start)
                    .isLessThanOrEqualTo((long) bound);
            assertThat(denied.get())
                    .as("the callers asked for more than the bucket had")
                    .isPositive();
            // a lease forms only while the bucket holds the request and the lease: early in the run, before it drains
            double local = 0;
            for (int i = 0; i < MEMBERS; i++) {
                local += cluster.api(i).metric("bms_hot_key_local_grants_total");
                assertThat(cluster.api(i).metric("bms_hot_keys_promoted_total"))
                        .as("member %d promoted the key", i)
                        .isPositive();
            }
            assertThat(local).as("grants answered from member-local leases").isPositive();
        }
    }
}
