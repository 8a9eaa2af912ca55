package dev.tokenplane.bms.sizing;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.bms.BmsMain;
import dev.tokenplane.bms.rules.StoreKey;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.HandTickedMember;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sizing and pool ticks of a member with the bundled rules (the {@code servers} rule is adaptive and pooled) walk
 * the buckets of those rules only. Listing a member's keys ({@code IMap.localKeySet()}) is a query that runs a task on
 * every partition thread ahead of the decisions queued there; with 10,000 buckets it took about 15 ms per tick.
 */
class TickWalkTest {
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final int TICKS = 10;

    @Test
    void shouldNotListTheMembersBucketsOnEveryTick() throws Exception {
        try (HandTickedMember member = new HandTickedMember(BmsMain.options(), TICK)) {
            // Given a member holding 300 buckets of a fixed-size rule beside one server bucket of the bundled rule
            flatBuckets(member);
            String server = "server/web-1";
            assertThat(member.api
                            .send(
                                    "POST",
                                    "/v1/buckets/" + URLEncoder.encode(server, StandardCharsets.UTF_8) + "/acquire",
                                    Map.of("tokens", 1),
                                    false)
                            .status())
                    .isEqualTo(200);
            HazelcastInstance hz = member.node.hazelcast();
            long before = listings(hz);

            // When the sizing and pool ticks run ten times
            member.ticks.advance(TICK.multipliedBy(TICKS));

            // Then the member's keys were listed at most once (the index's first scan), not twice per tick...
            assertThat(listings(hz) - before).isLessThanOrEqualTo(1);
            // ...and the server bucket was sized all the same: its sizing state sits beside it
            assertThat(hz.getMap(SizingStates.MAP)
                            .containsKey(
                                    StoreKey.scoped(server, "servers", null).encode()))
                    .isTrue();
        }
    }

    @Test
    void shouldNotListTheMembersBucketsOnEveryTickWhileAnOverridePutsABucketInAPool() throws Exception {
        try (HandTickedMember member = new HandTickedMember(BmsMain.options(), TICK)) {
            // Given 300 buckets of a fixed-size rule, one of which an operator's override puts in a pool
            flatBuckets(member);
            Api.Response pinned = member.api.put(
                    "/v1/buckets/flat:k7/override",
                    Map.of("capacity", 10, "refillPerSecond", 10, "transfer", Map.of("pool", "pinned")));
            assertThat(pinned.status()).as(pinned.toString()).isIn(200, 201);
            HazelcastInstance hz = member.node.hazelcast();
            long before = listings(hz);

            // When the sizing and pool ticks run ten times
            member.ticks.advance(TICK.multipliedBy(TICKS));

            // Then the member's keys were listed at most once, not on every pool tick...
            assertThat(listings(hz) - before).isLessThanOrEqualTo(1);
            // ...and the pool holds the overridden bucket, and only it
            Api.Response pool = member.api.get("/v1/pools/pinned");
            assertThat(pool.status()).as(pool.toString()).isEqualTo(200);
            List<String> members = new ArrayList<>();
            pool.json().get("members").forEach(m -> members.add(m.get("key").asText()));
            assertThat(members).containsExactly("flat:k7");
        }
    }

    /** 300 buckets of rule {@code flat} (10 tokens, 10/s), {@code flat:k0} to {@code flat:k299}. */
    private static void flatBuckets(HandTickedMember member) {
        assertThat(member.api
                        .put("/v1/rules/flat", Map.of("match", "flat:*", "capacity", 10, "refillPerSecond", 10))
                        .status())
                .isEqualTo(201);
        List<Map<String, Object>> requests = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            requests.add(Map.of("key", "flat:k" + i, "tokens", 1));
            if (requests.size() == 100) {
                assertThat(member.api
                                .post("/v1/acquire", Map.of("requests", requests))
                                .status())
                        .isEqualTo(200);
                requests.clear();
            }
        }
    }

    /**
     * The queries and other whole-map calls made on the bucket map from this member ({@code localKeySet} counts as
     * one; decisions do not).
     */
    private static long listings(HazelcastInstance hz) {
        return hz.getMap("tp.buckets").getLocalMapStats().getOtherOperationCount();
    }
}
