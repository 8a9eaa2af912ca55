package dev.tokenplane.bms.sizing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.BmsMain;
import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.LogCapture;
import dev.tokenplane.bms.support.TestSettings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The sizing loop end to end: a real BMS member started as {@link BmsMain} starts it (sizing on by default), with a
 * 100 ms sizing tick, driven over HTTP by acquires and by load reports posted as an agent posts them, and watched the
 * way an operator watches it: {@code GET /v1/buckets/{key}} (capacity, history, lastResizedAt) and {@code /metrics}.
 */
class AdaptiveSizingTest {
    private static final long TICK_MS = 100;

    private static BmsNode node;
    private static Api api;
    private static Observed observed;
    private static LogCapture logs;

    @BeforeAll
    static void start() throws Exception {
        logs = LogCapture.install();
        ((Logger) LoggerFactory.getLogger(SizingLoop.class)).setLevel(Level.DEBUG);
        node = BmsNode.start(
                TestSettings.member()
                        .with("BMS_SIZING_INTERVAL_MS", Long.toString(TICK_MS))
                        .with("BMS_AGENT_STALE_MS", "2000")
                        .build(),
                BmsMain.options(),
                InstantSource.system());
        api = new Api(node.url(), node.adminToken());
        observed = new Observed(api);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.stop();
        }
    }

    /** A rule for one server bucket: {@code capacity} tokens refilled in 1 s at the start, sized in [min, max]. */
    private static void rule(String id, String serverId, long capacity, double refill, long min, long max) {
        rule(id, serverId, capacity, refill, min, max, Map.of());
    }

    /** The same, with the rule's own {@code adaptive} tuning fields. */
    private static void rule(
            String id, String serverId, long capacity, double refill, long min, long max, Map<String, Object> tuning) {
        Map<String, Object> adaptive = new java.util.HashMap<>(Map.of(
                "enabled", true, "thresholdHigh", 0.8, "thresholdLow", 0.3, "growthFactor", 1.5, "shrinkFactor", 0.8));
        adaptive.putAll(tuning);
        Map<String, Object> body = Map.of(
                "match",
                "server/" + serverId,
                "capacity",
                capacity,
                "refillPerSecond",
                refill,
                "minCapacity",
                min,
                "maxCapacity",
                max,
                "adaptive",
                adaptive);
        assertThat(api.put("/v1/rules/" + id, body).status()).isEqualTo(201);
        Api.Response first =
                api.send("POST", "/v1/buckets/" + path("server/" + serverId) + "/acquire", Map.of("tokens", 1), false);
        assertThat(first.status()).as("%s", first).isEqualTo(200);
    }

    private static String path(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    /**
     * Waits until the loop has brought {@code key} to {@code capacity}, checks that it then stays there, unchanged,
     * for ten more ticks, and answers the bucket as it was when it got there.
     */
    private static JsonNode settlesAt(String key, long capacity) {
        Await.until(() -> observed.capacity(key) == capacity);
        JsonNode reached = observed.bucket(key);
        observed.awaitTicks(10);
        JsonNode later = observed.bucket(key);
        assertThat(later.get("capacity").asLong()).isEqualTo(capacity);
        assertThat(later.get("history")).as("no resize once there").isEqualTo(reached.get("history"));
        return reached;
    }

    /** Every resize in {@code bucket}'s history went {@code direction} for {@code reason}; /metrics counted each. */
    private static void assertOnlyResizes(String rule, JsonNode bucket, String direction, String reason) {
        assertThat(Observed.reasons(bucket)).allMatch(r -> r.startsWith(reason));
        assertThat(observed.resizes(rule, direction))
                .isEqualTo(Observed.capacities(bucket).size());
        assertThat(observed.resizes(rule, "grow".equals(direction) ? "shrink" : "grow"))
                .isZero();
    }

    @Test
    void shouldGrowStepByStepToMaxWhenDemandExceedsHighThresholdAtLowCpuThenStop() throws Exception {
        // Given a server bucket of 10 tokens (10/s), max 40, its server at 10 % CPU, asked for about 200 tokens/s
        rule("sz-grow", "sz-grow-1", 10, 10, 5, 40);
        String key = "server/sz-grow-1";
        try (Traffic traffic = new Traffic(api).load("sz-grow-1", 0.10).demand(List.of(key), 10)) {
            // When the loop runs, Then the capacity climbs to max, and stays there while the demand goes on
            JsonNode grown = settlesAt(key, 40);

            List<Long> steps = Observed.capacities(grown);
            assertThat(steps)
                    .as("one growth step at a time, at most x1.5 (rounded up), ending at max")
                    .hasSizeGreaterThanOrEqualTo(3)
                    .isSorted()
                    .doesNotHaveDuplicates()
                    .endsWith(40L);
            long previous = 10;
            for (long step : steps) {
                assertThat(step).isLessThanOrEqualTo((long) Math.ceil(previous * 1.5));
                previous = step;
            }
            assertOnlyResizes("sz-grow", grown, "grow", "grow_demand");
            assertThat(grown.get("refillPerSecond").asDouble()).isEqualTo(40.0); // the rule's ratio, 1/s per token
            assertThat(grown.get("lastResizedAt").asLong())
                    .isEqualTo(Observed.times(grown).get(steps.size() - 1));
            assertThat(Observed.times(grown)).isSorted();
            assertThat(logs.lines())
                    .filteredOn(l -> l.contains("resized bucket '" + key + " [rule sz-grow]'"))
                    .hasSize(steps.size())
                    .last()
                    .asString()
                    .contains("-> 40 tokens, 40.000 tokens/s: grow_demand");
            // and /metrics shows it per rule: one bucket, resized away from the rule's 10, at 40 tokens, lately
            assertThat(observed.sizing("buckets", "sz-grow")).isEqualTo(1);
            assertThat(observed.sizing("buckets_resized", "sz-grow")).isEqualTo(1);
            assertThat(observed.sizing("capacity_tokens", "sz-grow")).isEqualTo(40);
            assertThat(observed.sizing("last_resize_age_seconds", "sz-grow")).isBetween(0.0, 60.0);
        }
    }

    @Test
    void shouldShrinkToMinWhenCpuIsAt95PercentDespiteDemand() throws Exception {
        // Given a server bucket of 40 tokens (20/s), min 5, whose demand alone would grow it, on a server at 95 % CPU
        rule("sz-hot", "sz-hot-1", 40, 20, 5, 80);
        String key = "server/sz-hot-1";
        try (Traffic traffic = new Traffic(api).load("sz-hot-1", 0.95).demand(List.of(key), 1)) {
            // When the loop runs, Then it sheds down to min and stays there
            JsonNode shed = settlesAt(key, 5);

            List<Long> steps = Observed.capacities(shed);
            assertThat(steps)
                    .hasSizeGreaterThanOrEqualTo(2)
                    .isSortedAccordingTo((a, b) -> Long.compare(b, a))
                    .doesNotHaveDuplicates()
                    .endsWith(5L);
            assertOnlyResizes("sz-hot", shed, "shrink", "shrink_pressure");
            assertThat(shed.get("refillPerSecond").asDouble()).isEqualTo(2.5);
        }
    }

    @Test
    void shouldShrinkToMinWhenTheDiskIsSaturatedWhileTheCpuIdles() throws Exception {
        // Given a server bucket whose demand alone would grow it, on a server at 10 % CPU whose disk is busy 95 %
        rule("sz-disk", "sz-disk-1", 40, 20, 5, 80);
        String key = "server/sz-disk-1";
        try (Traffic traffic = new Traffic(api).ioLoad("sz-disk-1", 0.10, 0.95).demand(List.of(key), 1)) {
            // When the loop runs, Then the disk's pressure sheds it down to min, as a hot CPU would
            JsonNode shed = settlesAt(key, 5);

            assertThat(Observed.capacities(shed)).hasSizeGreaterThanOrEqualTo(2).endsWith(5L);
            assertOnlyResizes("sz-disk", shed, "shrink", "shrink_pressure");
            assertThat(Observed.reasons(shed)).allMatch(r -> r.endsWith("pressure 0.95"));
        }
    }

    @Test
    void shouldShedWhereTheRulesOwnDiskTargetSaysSoAndNotUnderTheDefault() throws Exception {
        // Given two servers reporting the same load, CPU 10 %, disk busy 50 %: under the default disk target (0.8)
        // that is pressure 0.5, below pressureHigh; the second server's rule counts a disk busy 40 % as full
        rule("sz-disk-default", "sz-disk-2", 40, 20, 5, 80);
        rule("sz-disk-tuned", "sz-disk-3", 40, 20, 5, 80, Map.of("pressureTargets", Map.of("diskBusy", 0.4)));
        String untuned = "server/sz-disk-2";
        String tuned = "server/sz-disk-3";
        try (Traffic traffic = new Traffic(api)
                .ioLoad("sz-disk-2", 0.10, 0.5)
                .ioLoad("sz-disk-3", 0.10, 0.5)
                .demand(List.of(untuned, tuned), 1)) {
            // When the loop runs, Then the tuned rule's bucket sheds to min
            JsonNode shed = settlesAt(tuned, 5);
            assertOnlyResizes("sz-disk-tuned", shed, "shrink", "shrink_pressure");

            // And the other, under the same load and demand, never shed for pressure (it follows its demand, which
            // the test's traffic makes uneven), and saw the disk's pressure as 0.5 / 1.0
            JsonNode kept = observed.bucket(untuned);
            assertThat(kept.get("capacity").asLong()).isGreaterThan(5);
            assertThat(Observed.reasons(kept))
                    .isNotEmpty()
                    .noneMatch(r -> r.startsWith("shrink_pressure"))
                    .allMatch(r -> r.endsWith("pressure 0.50"));
        }
    }

    @Test
    void shouldChangeNothingWhileAnOverridePinsTheBucketUntilItIsDeleted() throws Exception {
        // Given a bucket that grows under this traffic (as above), pinned by an override at 12 tokens
        rule("sz-pin", "sz-pin-1", 10, 10, 5, 40);
        String key = "server/sz-pin-1";
        String override = "/v1/buckets/" + path(key) + "/override";
        assertThat(api.put(override, Map.of("capacity", 12, "refillPerSecond", 12))
                        .status())
                .isEqualTo(201);
        try (Traffic traffic = new Traffic(api).load("sz-pin-1", 0.10).demand(List.of(key), 10)) {
            // When ten ticks pass
            observed.awaitTicks(10);

            // Then nothing changed
            JsonNode pinned = observed.bucket(key);
            assertThat(pinned.get("capacity").asLong()).isEqualTo(12);
            assertThat(pinned.get("override").get("capacity").asLong()).isEqualTo(12);
            assertThat(pinned.get("history")).isEmpty();
            assertThat(pinned.get("lastResizedAt").isNull()).isTrue();
            assertThat(observed.resizes("sz-pin", "grow") + observed.resizes("sz-pin", "shrink"))
                    .isZero();

            // When the override is deleted, Then the loop takes the bucket back
            long deletedAt = System.currentTimeMillis();
            assertThat(api.delete(override).status()).isEqualTo(204);
            Await.until(() -> observed.capacity(key) == 40);
            assertThat(Observed.times(observed.bucket(key))).allMatch(at -> at >= deletedAt);
        }
    }

    @Test
    void shouldChangeNothingWhileAnOverridePinsTheBucketUntilItExpires() throws Exception {
        // Given the same bucket and traffic, pinned by an override that expires in 1.5 s
        rule("sz-exp", "sz-exp-1", 10, 10, 5, 40);
        String key = "server/sz-exp-1";
        long expiresAt = System.currentTimeMillis() + 1500;
        assertThat(api.put(
                                "/v1/buckets/" + path(key) + "/override",
                                Map.of("capacity", 12, "refillPerSecond", 12, "expiresAt", expiresAt))
                        .status())
                .isEqualTo(201);
        try (Traffic traffic = new Traffic(api).load("sz-exp-1", 0.10).demand(List.of(key), 10)) {
            // When the override expires, Then the loop grows the bucket, and never touched it before
            Await.until(() -> observed.capacity(key) == 40);
            JsonNode grown = observed.bucket(key);
            assertThat(Observed.times(grown)).isNotEmpty().allMatch(at -> at >= expiresAt);
            assertThat(Observed.reasons(grown)).allMatch(r -> r.startsWith("grow_demand"));
        }
    }
}
