package dev.tokenplane.bms.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.BmsOptions;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.TestSettings;
import dev.tokenplane.store.FakeClock;
import dev.tokenplane.transfer.exec.FaultyBucketStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/** Pools of two buckets over HTTP, for the transfer tests: an idle one and one to hammer. */
final class Pools {
    /** Each bucket: 20 tokens, 1 token per second back. */
    static final long CAPACITY = 20;

    static final double REFILL_PER_SECOND = 1;
    /** Decisions never wait for a slow transfer in these tests; the breaker opens on failures, not slow calls. */
    static final TransferFeature.Options OPTIONS = TransferFeature.Options.defaults()
            .withBudget(Duration.ofMillis(250))
            .withBreaker(b -> b.slowCallDurationThreshold(Duration.ofSeconds(10)));

    private Pools() {}

    /** A member whose store fails on demand, and its API as the admin. */
    record FaultyMember(BmsNode node, FaultyBucketStore store, Api api) {}

    /**
     * A real member (embedded Hazelcast, the Hazelcast store behind a {@link FaultyBucketStore}) on {@code clock}, with
     * a 100 ms tick and these tests' transfer options.
     */
    static FaultyMember startFaulty(FakeClock clock) throws Exception {
        return startFaulty(clock, OPTIONS);
    }

    /** {@link #startFaulty(FakeClock)} with other transfer options. */
    static FaultyMember startFaulty(FakeClock clock, TransferFeature.Options options) throws Exception {
        FaultyBucketStore[] store = new FaultyBucketStore[1];
        BmsNode node = BmsNode.start(
                TestSettings.member().with("BMS_SIZING_INTERVAL_MS", "100").build(),
                BmsOptions.CORE
                        .withStore(s -> store[0] = new FaultyBucketStore(s, clock))
                        .withTransfer(options),
                clock);
        return new FaultyMember(node, store[0], new Api(node.url(), node.adminToken()));
    }

    /** What a run of acquires got. */
    record Hammered(int requests, int granted, long borrowed) {}

    /** The rule of pool {@code pool}: keys {@code pool:*}, lending and borrowing, no reserve. */
    static void rule(Api api, String pool) {
        Api.Response r = api.put(
                "/v1/rules/" + pool,
                Map.of(
                        "match",
                        pool + ":*",
                        "capacity",
                        CAPACITY,
                        "refillPerSecond",
                        REFILL_PER_SECOND,
                        "transfer",
                        Map.of("pool", pool, "canBorrow", true, "canLend", true, "reserveFraction", 0)));
        assertThat(r.status()).as(r.toString()).isIn(200, 201);
    }

    static JsonNode acquire(Api api, String key) {
        Api.Response r = api.post("/v1/buckets/" + key + "/acquire", Map.of("tokens", 1));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /** {@code n} acquires of one token on {@code key}, sent to the members in turn. */
    static Hammered hammer(List<Api> members, String key, int n) {
        return hammerWhile(members, key, n, h -> true);
    }

    /** Acquires on {@code key}, to the members in turn, at most {@code max}, while {@code more} holds. */
    static Hammered hammerWhile(List<Api> members, String key, int max, Predicate<Hammered> more) {
        Hammered h = new Hammered(0, 0, 0);
        while (h.requests() < max && more.test(h)) {
            JsonNode d = acquire(members.get(h.requests() % members.size()), key);
            boolean granted = d.get("granted").asBoolean();
            h = new Hammered(
                    h.requests() + 1,
                    h.granted() + (granted ? 1 : 0),
                    h.borrowed() + d.get("borrowed").asLong());
        }
        return h;
    }

    static JsonNode pool(Api api, String pool) {
        Api.Response r = api.get("/v1/pools/" + pool);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /** The pool's member {@code key} in a {@code GET /v1/pools/{pool}} answer. */
    static JsonNode member(JsonNode pool, String key) {
        for (JsonNode m : pool.get("members")) {
            if (m.get("key").asText().equals(key)) {
                return m;
            }
        }
        throw new AssertionError("no member " + key + " in " + pool);
    }

    /** Waits until {@code api}'s member sees both buckets of {@code pool} in its view (a tick has run since). */
    static void awaitView(Api api, String pool) {
        Await.until(() -> pool(api, pool).get("members").size() == 2);
    }

    /** Whole tokens in {@code key} now. */
    static long tokens(Api api, String key) {
        return api.get("/v1/buckets/" + key).json().get("tokens").asLong();
    }

    /** Waits until no transfer step has reached the store for 300 ms ({@code steps} counts them). */
    static void awaitQuiet(LongSupplier steps) throws InterruptedException {
        for (long before = -1; before != steps.getAsLong(); ) {
            before = steps.getAsLong();
            Thread.sleep(300);
        }
    }
}
