package dev.tokenplane.bms.sizing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.BmsOptions;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.HandTickedMember;
import dev.tokenplane.bms.support.ManualScheduler;
import dev.tokenplane.store.FakeClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sizing loop of a real member (Hazelcast, HTTP), ticked by hand on a fake clock: nothing runs until the test
 * moves time, and every demand window is exact.
 */
class HandTickedSizingTest {
    private static final Duration TICK = Duration.ofSeconds(1);

    private static HandTickedMember member;
    private static FakeClock clock;
    private static ManualScheduler ticks;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        member = new HandTickedMember(BmsOptions.CORE.withSizing(true), TICK);
        clock = member.clock;
        ticks = member.ticks;
        api = member.api;
    }

    @AfterAll
    static void stop() {
        if (member != null) {
            member.close();
        }
    }

    @Test
    void shouldGrowABucketAskedForItsWholeCapacityOnTheNextTickOnly() throws Exception {
        // Given an adaptive rule, and a bucket asked for its whole capacity within its first second
        Api.Response rule = api.put(
                "/v1/rules/ht",
                Map.of(
                        "match",
                        "ht:*",
                        "capacity",
                        100,
                        "refillPerSecond",
                        100,
                        "minCapacity",
                        10,
                        "maxCapacity",
                        10_000,
                        "adaptive",
                        Map.of("enabled", true)));
        assertThat(rule.status()).as(rule.toString()).isEqualTo(201);
        assertThat(api.post("/v1/buckets/ht:a/acquire", Map.of("tokens", 100))
                        .json()
                        .get("granted")
                        .asBoolean())
                .isTrue();

        // Then nothing sizes it while the clock stands still
        assertThat(bucket("ht:a").get("capacity").asLong()).isEqualTo(100);
        assertThat(bucket("ht:a").get("history")).isEmpty();

        // When the clock reaches the next tick
        long tickAt = clock.millis() + TICK.toMillis();
        assertThat(ticks.advance(TICK)).isPositive();

        // Then the tick grew the bucket, at the tick's time, for the reason the policy gave
        JsonNode grown = bucket("ht:a");
        assertThat(grown.get("capacity").asLong()).isGreaterThan(100);
        assertThat(grown.get("lastResizedAt").asLong()).isEqualTo(tickAt);
        assertThat(grown.get("history")).hasSize(1);
        assertThat(grown.get("history").get(0).get("reason").asText()).startsWith("grow");
    }

    private static JsonNode bucket(String key) {
        Api.Response r = api.get("/v1/buckets/" + key);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }
}
