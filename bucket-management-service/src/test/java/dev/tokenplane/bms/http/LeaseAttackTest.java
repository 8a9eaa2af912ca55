package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.SharedBmsTest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A caller with decision access tries to refill its own bucket by giving back tokens it never took: without a lease
 * id, with made-up ids, with the id of a lease on another bucket, and by replaying the id of a lease it already gave
 * back. Whatever it does, what the bucket hands it out net (tokens granted, less tokens credited back) stays within
 * {@code capacity + refill * elapsed}.
 *
 * <p>(Before leases, {@code {"tokens": 10}} on the release endpoint put 10 tokens back on demand, and this loop took
 * 10 more tokens every round.)
 */
class LeaseAttackTest extends SharedBmsTest {
    private static final long CAPACITY = 10;
    private static final double REFILL_PER_SECOND = 5;

    @Test
    void shouldNotAdmitMoreThanCapacityPlusRefillByReleasingTokensNeverLeased() throws Exception {
        api.put(
                "/v1/rules/attack",
                Map.of("match", "attack:*", "capacity", CAPACITY, "refillPerSecond", REFILL_PER_SECOND));
        String key = "attack:victim";
        String path = "/v1/buckets/" + key;
        // a lease of the attacker's on another bucket, and one on this bucket it has already given back
        String foreign = api.post("/v1/buckets/attack:elsewhere/lease", Map.of("tokens", 1))
                .json()
                .get("leaseId")
                .asText();
        SecureRandom random = new SecureRandom();

        long start = System.nanoTime();
        double net = 0;
        int rounds = 0;
        String spent = null;
        while (System.nanoTime() - start < 1_000_000_000L) {
            rounds++;
            // take whatever the bucket gives
            net += granted(
                    api.post(path + "/acquire", Map.of("tokens", CAPACITY)).json());
            net += granted(api.post(path + "/acquire", Map.of("tokens", 1)).json());
            // then try to put back 10 tokens it never took, every way it can think of
            byte[] bits = new byte[16];
            random.nextBytes(bits);
            String madeUp = Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
            assertThat(api.post(path + "/release", Map.of("tokens", CAPACITY)).status())
                    .isEqualTo(400);
            for (String id : new String[] {madeUp, foreign, spent}) {
                if (id != null) {
                    Api.Response r = api.post(path + "/release", Map.of("leaseId", id, "tokens", CAPACITY));
                    assertThat(r.status()).as(r.toString()).isEqualTo(404);
                }
            }
            // and a real lease of 1, given back claiming 10 unused
            JsonNode lease = api.post(path + "/lease", Map.of("tokens", 1)).json();
            net += granted(lease);
            if (lease.get("granted").asBoolean()) {
                Api.Response r = api.post(
                        path + "/release",
                        Map.of("leaseId", lease.get("leaseId").asText(), "tokens", CAPACITY));
                assertThat(r.json().get("released").asLong()).isEqualTo(1);
                net -= r.json().get("accepted").asDouble();
                spent = lease.get("leaseId").asText();
            }
        }
        double elapsedSeconds = (System.nanoTime() - start) / 1e9;

        // Then the bucket handed out, net, at most its capacity plus its refill over the run
        double bound = CAPACITY + REFILL_PER_SECOND * elapsedSeconds;
        assertThat(net)
                .as("net tokens over %d rounds in %.2f s", rounds, elapsedSeconds)
                .isLessThanOrEqualTo(bound);
        // (and the attack did empty it: it got the capacity at least)
        assertThat(net).isGreaterThanOrEqualTo(CAPACITY);
        assertThat(rounds).isGreaterThan(2);
    }

    private static long granted(JsonNode decision) {
        return decision.get("granted").asBoolean() ? decision.get("tokens").asLong() : 0;
    }
}
