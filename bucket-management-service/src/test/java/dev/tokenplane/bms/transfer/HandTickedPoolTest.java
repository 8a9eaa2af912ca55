package dev.tokenplane.bms.transfer;

import static dev.tokenplane.bms.transfer.Pools.member;
import static dev.tokenplane.bms.transfer.Pools.pool;
import static dev.tokenplane.bms.transfer.Pools.rule;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.BmsOptions;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.HandTickedMember;
import dev.tokenplane.bms.support.ManualScheduler;
import dev.tokenplane.store.FakeClock;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The transfer protocol's tick on a real member, ticked by hand on a fake clock: the pool's view is what the last tick
 * saw, and it changes only when the test moves time.
 */
class HandTickedPoolTest {
    private static final Duration TICK = Duration.ofMillis(100);
    /** What a bucket refills in the test's two ticks (1 token/s), at most. */
    private static final Offset<Double> REFILLED = Offset.offset(0.25);

    private static HandTickedMember member;
    private static FakeClock clock;
    private static ManualScheduler ticks;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        member = new HandTickedMember(BmsOptions.CORE.withTransfer(Pools.OPTIONS), TICK);
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
    void shouldPublishThePoolsViewOnEachTickAndOnlyThen() throws Exception {
        // Given a pool of two buckets, each asked for one token
        rule(api, "htp");
        Pools.acquire(api, "htp:a");
        Pools.acquire(api, "htp:b");

        // Then no tick has run: the member has no view of the pool
        assertThat(pool(api, "htp").get("members")).isEmpty();

        // When the clock reaches the next tick
        ticks.advance(TICK);

        // Then the view holds both buckets as the tick saw them, in a window opened at the tick's time
        JsonNode first = pool(api, "htp");
        assertThat(first.get("members")).hasSize(2);
        assertThat(member(first, "htp:a").get("tokens").asDouble()).isCloseTo(Pools.CAPACITY - 1, REFILLED);
        assertThat(first.get("windowStartedAt").asLong()).isEqualTo(clock.millis());
        assertThat(first.get("coordinator").asBoolean()).isTrue();

        // When a bucket spends tokens between ticks, the view stays as the last tick saw it
        assertThat(api.post("/v1/buckets/htp:a/acquire", Map.of("tokens", 5))
                        .json()
                        .get("granted")
                        .asBoolean())
                .isTrue();
        assertThat(member(pool(api, "htp"), "htp:a").get("tokens").asDouble()).isCloseTo(Pools.CAPACITY - 1, REFILLED);

        // And the next tick sees the spend
        ticks.advance(TICK);
        JsonNode second = pool(api, "htp");
        assertThat(member(second, "htp:a").get("tokens").asDouble()).isCloseTo(Pools.CAPACITY - 6, REFILLED);
        assertThat(member(second, "htp:b").get("tokens").asDouble()).isCloseTo(Pools.CAPACITY - 1, REFILLED);
        assertThat(second.get("windowStartedAt").asLong()).isEqualTo(clock.millis());
    }
}
