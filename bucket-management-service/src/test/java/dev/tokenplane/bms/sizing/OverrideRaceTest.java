package dev.tokenplane.bms.sizing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.BmsMain;
import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.rules.StoreKey;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.TestSettings;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.ForwardingBucketStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, point 2: an operator's override wins every race with the sizing loop. The interleaving is forced, not
 * waited for: the store holds the loop's first resize of the bucket (computed, and past the loop's pinned check),
 * an operator puts an override over HTTP meanwhile, and only then is the stale resize let through.
 */
class OverrideRaceTest {
    private static final String KEY = "server/race-1";

    /** Holds the first resize of {@link #KEY} until {@code between} has run (the override being put). */
    private static final class HeldResize extends ForwardingBucketStore {
        private final AtomicBoolean armed = new AtomicBoolean(true);
        private final AtomicReference<Runnable> between = new AtomicReference<>();
        private final CountDownLatch landed = new CountDownLatch(1);

        HeldResize(BucketStore delegate) {
            super(delegate);
        }

        @Override
        public CompletionStage<Optional<BucketState>> resize(String key, long capacity, long ratePerMilli) {
            return hold(key, () -> delegate.resize(key, capacity, ratePerMilli));
        }

        @Override
        public CompletionStage<Optional<BucketState>> resize(
                String key, long capacity, long ratePerMilli, long generation) {
            return hold(key, () -> delegate.resize(key, capacity, ratePerMilli, generation));
        }

        private CompletionStage<Optional<BucketState>> hold(
                String key, java.util.function.Supplier<CompletionStage<Optional<BucketState>>> call) {
            // the store sees the bucket's scoped store key (caller's key, rule)
            if (!KEY.equals(StoreKey.keyOf(key)) || between.get() == null || !armed.compareAndSet(true, false)) {
                return call.get();
            }
            between.get().run(); // on the sizing thread, which waits: the override is acknowledged before we go on
            return call.get().whenComplete((r, e) -> landed.countDown());
        }
    }

    @Test
    void shouldRefuseASizingResizeComputedBeforeAnOverrideThatArrivesAfterIt() throws Exception {
        HeldResize[] holder = new HeldResize[1];
        BmsNode node = BmsNode.start(
                TestSettings.member()
                        .with("BMS_SIZING_INTERVAL_MS", "100")
                        .with("BMS_AGENT_STALE_MS", "2000")
                        .build(),
                BmsMain.options().withStore(s -> holder[0] = new HeldResize(s)),
                InstantSource.system());
        try {
            Api api = new Api(node.url(), node.adminToken());
            String path = "/v1/buckets/" + URLEncoder.encode(KEY, StandardCharsets.UTF_8);
            // Given a bucket that grows under this traffic (10 tokens, 10/s, max 40, its server idle, high demand)
            assertThat(api.put(
                                    "/v1/rules/race",
                                    Map.of(
                                            "match",
                                            KEY,
                                            "capacity",
                                            10,
                                            "refillPerSecond",
                                            10,
                                            "minCapacity",
                                            5,
                                            "maxCapacity",
                                            40,
                                            "adaptive",
                                            Map.of(
                                                    "enabled",
                                                    true,
                                                    "thresholdHigh",
                                                    0.8,
                                                    "thresholdLow",
                                                    0.3,
                                                    "growthFactor",
                                                    1.5,
                                                    "shrinkFactor",
                                                    0.8)))
                            .status())
                    .isEqualTo(201);
            assertThat(api.send("POST", path + "/acquire", Map.of("tokens", 1), false)
                            .status())
                    .isEqualTo(200);
            Traffic traffic = new Traffic(api).load("race-1", 0.10).demand(List.of(KEY), 10);
            AtomicReference<Api.Response> put = new AtomicReference<>();
            holder[0].between.set(() -> {
                try {
                    traffic.close(); // no decision after this point: what the bucket holds is what the resizes left
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                // When an operator pins the bucket at 12 tokens while the loop's resize is on its way
                put.set(api.put(path + "/override", Map.of("capacity", 12, "refillPerSecond", 12)));
            });

            // ... and the stale resize then arrives
            assertThat(holder[0].landed.await(30, TimeUnit.SECONDS))
                    .as("the loop resized the bucket")
                    .isTrue();

            // Then the override stands: the resize was refused, nothing was recorded, and later ticks leave it alone
            assertThat(put.get().status()).as("%s", put.get()).isEqualTo(201);
            JsonNode bucket = api.get(path).json();
            assertThat(bucket.get("capacity").asLong()).as("%s", bucket).isEqualTo(12);
            assertThat(bucket.get("refillPerSecond").asDouble()).isEqualTo(12.0);
            assertThat(bucket.get("history")).isEmpty();
            new Observed(api).awaitTicks(5);
            assertThat(api.get(path).json().get("capacity").asLong()).isEqualTo(12);
        } finally {
            node.stop();
        }
    }
}
