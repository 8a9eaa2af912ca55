package dev.tokenplane.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * A transfer pool of its own for one fault: a busy bucket that lives on borrowed tokens and three idle lenders, all of
 * {@link #CAPACITY} tokens and a refill too small to count (10<sup>-6</sup> tokens/s, the least a rule may have), so
 * that tokens are conserved: what the pool's buckets hold plus what was granted from them is at most the
 * {@code 4 × CAPACITY} they started with. More would be tokens created; less, tokens lost in transfers that were cut.
 */
final class PoolLedger {

    static final long CAPACITY = 2_000;
    static final long ASK = 5;
    private static final int LENDERS = 3;

    final String name;
    final List<String> keys = new ArrayList<>();
    final long initialTokens;

    private PoolLedger(String name) {
        this.name = name;
        keys.add(name + ":busy");
        for (int i = 1; i <= LENDERS; i++) {
            keys.add(name + ":idle" + i);
        }
        initialTokens = keys.size() * CAPACITY;
    }

    String busy() {
        return keys.get(0);
    }

    /**
     * Writes the pool's rule, creates its buckets (full) and empties the busy one, so that every later acquire on it
     * borrows. The calls it makes are added to {@code events}.
     */
    static PoolLedger open(ChaosCluster cluster, String name, Collection<Event> events) {
        PoolLedger pool = new PoolLedger(name);
        Member m = cluster.member(1);
        cluster.http.admin(
                "PUT",
                m.url() + "/v1/rules/" + name,
                Map.of(
                        "match",
                        name + ":*",
                        "capacity",
                        CAPACITY,
                        "refillPerSecond",
                        0.000001,
                        "transfer",
                        Map.of("pool", name, "canBorrow", true, "canLend", true, "reserveFraction", 0.2)));
        for (String key : pool.keys) {
            long ask = key.equals(pool.busy()) ? CAPACITY : 1;
            Http.Reply r = cluster.http.call(
                    "POST", m.url() + "/v1/buckets/" + key + "/acquire", Map.of("tokens", ask), false);
            events.add(new Event(
                    "pool",
                    key,
                    m.index,
                    r.sentNanos(),
                    r.answeredNanos(),
                    r.outcome(),
                    r.status(),
                    LoadGenerator.taken(r, ask)));
        }
        return pool;
    }

    CompletableFuture<Event> acquireBusy(Http http, Member m) {
        return http.callAsync("POST", m.url() + "/v1/buckets/" + busy() + "/acquire", Map.of("tokens", ASK), false)
                .thenApply(r -> new Event(
                        "pool",
                        busy(),
                        m.index,
                        r.sentNanos(),
                        r.answeredNanos(),
                        r.outcome(),
                        r.status(),
                        LoadGenerator.taken(r, ASK)));
    }

    /** The tokens the pool's buckets hold, read twice a second apart until equal (no transfer still moving). */
    long settledTokens(ChaosCluster cluster) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long previous = -1;
        while (System.nanoTime() < deadline) {
            long now = tokens(cluster);
            if (now == previous) {
                return now;
            }
            previous = now;
            LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
        }
        throw new AssertionError("the tokens of pool " + name + " did not settle within 30 s");
    }

    private long tokens(ChaosCluster cluster) {
        long sum = 0;
        for (String key : keys) {
            JsonNode bucket = cluster.http.admin("GET", cluster.member(1).url() + "/v1/buckets/" + key, null);
            sum += bucket.path("tokens").asLong();
        }
        return sum;
    }
}
