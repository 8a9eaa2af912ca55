package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.SharedBmsTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lease endpoints of the contract extension: {@code POST /v1/buckets/{key}/lease} takes tokens and records a
 * lease, {@code POST /v1/buckets/{key}/release} gives the lease's unused tokens back, once, never more than it took
 * and never above the capacity; a release that names no live lease of the caller's on this bucket is a 404 and
 * changes nothing.
 */
class LeaseApiTest extends SharedBmsTest {

    @BeforeAll
    static void rules() {
        // refill of one token in about 11 days: what a test sees in the bucket is what it took and gave back
        api.put("/v1/rules/rel", Map.of("match", "rel:*", "capacity", 10, "refillPerSecond", 0.000001));
        api.put("/v1/rules/rel-fast", Map.of("match", "relfast:*", "capacity", 10, "refillPerSecond", 1000));
    }

    static JsonNode lease(String key, long tokens) {
        Api.Response r = api.post("/v1/buckets/" + key + "/lease", Map.of("tokens", tokens));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    static Api.Response release(String key, String leaseId, long tokens) {
        return api.post("/v1/buckets/" + key + "/release", Map.of("leaseId", leaseId, "tokens", tokens));
    }

    static long tokens(String key) {
        return api.get("/v1/buckets/" + key).json().get("tokens").asLong();
    }

    @Test
    void shouldLeaseTokensAndGiveTheUnusedOnesBackOnce() {
        // Given a lease of 8 tokens taken from a bucket of 10
        long before = System.currentTimeMillis();
        JsonNode lease = lease("rel:a", 8);
        String id = lease.get("leaseId").asText();

        // Then the answer is the acquire's decision plus the lease
        List<String> fields = new ArrayList<>();
        lease.fieldNames().forEachRemaining(fields::add);
        assertThat(fields)
                .containsExactly(
                        "key",
                        "granted",
                        "tokens",
                        "remaining",
                        "capacity",
                        "refillPerSecond",
                        "waitMs",
                        "retryAfterMs",
                        "borrowed",
                        "ruleId",
                        "leaseId",
                        "leaseExpiresAt");
        assertThat(lease.get("granted").asBoolean()).isTrue();
        assertThat(lease.get("remaining").asLong()).isEqualTo(2);
        assertThat(lease.get("ruleId").asText()).isEqualTo("rel");
        assertThat(id).matches("[A-Za-z0-9_-]{22}");
        assertThat(lease.get("leaseExpiresAt").asLong())
                .isBetween(before + 30_000, System.currentTimeMillis() + 30_000);

        // When 5 of them come back unused
        Api.Response r = release("rel:a", id, 5);

        // Then the bucket holds 7 again
        assertThat(r.status()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("key").asText()).isEqualTo("rel:a");
        assertThat(body.get("tokens").asLong()).isEqualTo(5);
        assertThat(body.get("released").asLong()).isEqualTo(5);
        assertThat(body.get("accepted").asDouble()).isEqualTo(5.0);
        assertThat(body.get("ruleId").asText()).isEqualTo("rel");
        assertThat(tokens("rel:a")).isEqualTo(7);

        // And the lease is over: a second release (the same one resent, or the other 3) credits nothing
        Api.Response again = release("rel:a", id, 5);
        Api.Response rest = release("rel:a", id, 3);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json().get("error").asText()).isEqualTo("not_found");
        assertThat(rest.status()).isEqualTo(404);
        assertThat(tokens("rel:a")).isEqualTo(7);
    }

    @Test
    void shouldGiveBackAtMostWhatTheLeaseTook() {
        // Given a lease of 3, and 2 more tokens taken by a plain acquire
        String id = lease("rel:most", 3).get("leaseId").asText();
        api.post("/v1/buckets/rel:most/acquire", Map.of("tokens", 2));

        // When the lease claims 9 unused tokens
        JsonNode body = release("rel:most", id, 9).json();

        // Then only its 3 come back
        assertThat(body.get("released").asLong()).isEqualTo(3);
        assertThat(body.get("accepted").asDouble()).isEqualTo(3.0);
        assertThat(tokens("rel:most")).isEqualTo(8);
    }

    @Test
    void shouldNeverFillABucketAboveItsCapacity() {
        // Given a lease of 5 from a bucket that refills 1000 tokens/s, full again a few ms later
        String id = lease("relfast:full", 5).get("leaseId").asText();
        api.post("/v1/buckets/relfast:full/acquire", Map.of("tokens", 10));
        dev.tokenplane.bms.support.Await.until(() -> tokens("relfast:full") == 10);

        // When the lease gives its 5 back
        JsonNode body = release("relfast:full", id, 5).json();

        // Then they come off the lease, but the full bucket takes (almost) none of them
        assertThat(body.get("released").asLong()).isEqualTo(5);
        assertThat(body.get("accepted").asDouble()).isCloseTo(0.0, within(0.5));
        assertThat(tokens("relfast:full")).isEqualTo(10);
    }

    @Test
    void shouldRefuseALeaseOfAnotherBucketOrAnUnknownIdAndChangeNothing() {
        // Given a lease on rel:mine, and a bucket rel:other with 6 tokens
        String id = lease("rel:mine", 4).get("leaseId").asText();
        lease("rel:other", 4);
        long other = tokens("rel:other");

        // When the id is used on the other bucket, and made-up ids are used on either
        List<Api.Response> refused = List.of(
                release("rel:other", id, 4),
                release("rel:other", "AAAAAAAAAAAAAAAAAAAAAA", 4),
                release("rel:mine", id.substring(1) + (id.charAt(0) == 'A' ? 'B' : 'A'), 4));

        // Then each is a 404 not_found, and no bucket changed
        for (Api.Response r : refused) {
            assertThat(r.status()).as(r.toString()).isEqualTo(404);
            assertThat(r.json().get("error").asText()).isEqualTo("not_found");
        }
        assertThat(tokens("rel:other")).isEqualTo(other);
        assertThat(tokens("rel:mine")).isEqualTo(6);
        // and the lease still gives its tokens back where it belongs
        assertThat(release("rel:mine", id, 4).json().get("released").asLong()).isEqualTo(4);
        assertThat(tokens("rel:mine")).isEqualTo(10);
    }

    @Test
    void shouldAnswerADeniedLeaseWithoutALease() {
        // Given a bucket with 2 tokens left
        api.post("/v1/buckets/rel:deny/acquire", Map.of("tokens", 8));

        // When a lease asks for 3
        JsonNode d = lease("rel:deny", 3);

        // Then it is denied like an acquire, with nothing to give back
        assertThat(d.get("granted").asBoolean()).isFalse();
        assertThat(d.get("retryAfterMs").asLong()).isPositive();
        assertThat(d.get("leaseId").isNull()).isTrue();
        assertThat(d.get("leaseExpiresAt").isNull()).isTrue();
        assertThat(tokens("rel:deny")).isEqualTo(2);
    }

    @Test
    void shouldRecordNoLeaseForTheTokensAShadowRuleGrantsWithoutTakingThem() {
        // Given a shadow rule (it always grants) on a bucket of 2 that a lease has emptied
        api.put(
                "/v1/rules/rel-shadow",
                Map.of("match", "relshadow:*", "capacity", 2, "refillPerSecond", 0.000001, "shadow", true));
        JsonNode taken = lease("relshadow:a", 2);

        // When another lease of 2 is granted, though the rule would deny it
        JsonNode wouldDeny = lease("relshadow:a", 2);

        // Then it names no lease: its tokens never left the bucket, so none may come back
        assertThat(taken.get("leaseId").isTextual()).isTrue();
        assertThat(wouldDeny.get("granted").asBoolean()).isTrue();
        assertThat(wouldDeny.get("shadowDenied").asBoolean()).isTrue();
        assertThat(wouldDeny.get("leaseId").isNull()).isTrue();
        assertThat(release("relshadow:a", taken.get("leaseId").asText(), 2)
                        .json()
                        .get("released")
                        .asLong())
                .isEqualTo(2);
        assertThat(tokens("relshadow:a")).isEqualTo(2);
    }

    @Test
    void shouldCreditOneLeaseOnceWhateverTheConcurrentReleases() throws Exception {
        // Given 20 leases of 6 tokens on emptied buckets of 10, and 8 threads releasing each of them at once
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 20; round++) {
                String key = "rel:race" + round;
                String id = lease(key, 6).get("leaseId").asText();
                api.post("/v1/buckets/" + key + "/acquire", Map.of("tokens", 4));
                CountDownLatch go = new CountDownLatch(1);
                List<CompletableFuture<Api.Response>> releases = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    long claimed = 1 + (round + t) % 10; // some claim less than the lease holds, some more
                    releases.add(CompletableFuture.supplyAsync(
                            () -> {
                                await(go);
                                return release(key, id, claimed);
                            },
                            threads));
                }

                // When they race
                go.countDown();
                List<Api.Response> answers =
                        releases.stream().map(CompletableFuture::join).toList();

                // Then exactly one is applied, and the bucket got back what it claimed, up to the 6 leased
                List<Api.Response> applied =
                        answers.stream().filter(r -> r.status() == 200).toList();
                assertThat(applied).as("round %d: %s", round, answers).hasSize(1);
                assertThat(answers).allMatch(r -> r.status() == 200 || r.status() == 404);
                long released = applied.get(0).json().get("released").asLong();
                assertThat(released)
                        .isEqualTo(
                                Math.min(6, applied.get(0).json().get("tokens").asLong()));
                assertThat(tokens(key)).isEqualTo(released).isLessThanOrEqualTo(6);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void shouldRejectBadLeasesAndReleasesAndChangeNothing() {
        String id = lease("rel:bad", 4).get("leaseId").asText();
        long before = tokens("rel:bad");
        String release = "/v1/buckets/rel:bad/release";
        String lease = "/v1/buckets/rel:bad/lease";

        record Case(String path, String body, int status, String error) {}
        List<Case> cases = List.of(
                new Case(release, "{}", 400, "validation"),
                new Case(release, "{\"tokens\":2}", 400, "validation"),
                new Case(release, "{\"leaseId\":\"" + id + "\"}", 400, "validation"),
                new Case(release, "{\"leaseId\":\"" + id + "\",\"tokens\":0}", 400, "validation"),
                new Case(release, "{\"leaseId\":\"" + id + "\",\"tokens\":-3}", 400, "validation"),
                new Case(release, "{\"leaseId\":\"" + id + "\",\"tokens\":1000000001}", 400, "validation"),
                new Case(release, "{\"leaseId\":\"" + id + "\",\"tokens\":\"2\"}", 400, "validation"),
                new Case(release, "{\"leaseId\":\"" + id + "\",\"tokens\":1.5}", 400, "validation"),
                new Case(release, "{\"leaseId\":\"" + id + "\",\"tokens\":2,\"key\":\"rel:bad\"}", 400, "validation"),
                new Case(release, "{\"leaseId\":7,\"tokens\":2}", 400, "validation"),
                new Case(release, "{\"leaseId\":\"short\",\"tokens\":2}", 400, "validation"),
                new Case(release, "{\"leaseId\":\"" + id.substring(0, 21) + "=\",\"tokens\":2}", 400, "validation"),
                new Case(release, "{\"tokens\":", 400, "bad_request"),
                new Case(lease, "{\"tokens\":0}", 400, "validation"),
                new Case(lease, "{\"tokens\":11}", 400, "validation"),
                new Case(lease, "{\"ttlMs\":99}", 400, "validation"),
                new Case(lease, "{\"ttlMs\":7200001}", 400, "validation"),
                new Case(lease, "{\"tokens\":1,\"maxWaitMs\":100}", 400, "validation"),
                new Case(lease, "{\"tokens\":1,\"lease\":true}", 400, "validation"));
        for (Case c : cases) {
            Api.Response r = api.send("POST", c.path(), c.body(), false);
            assertThat(r.status()).as(c.path() + " " + c.body()).isEqualTo(c.status());
            assertThat(r.json().get("error").asText()).as(c.body()).isEqualTo(c.error());
        }
        Api.Response noBody = api.send("POST", release, null, false);
        Api.Response noRule = api.post("/v1/buckets/zz-rel-nothing/release", Map.of("leaseId", id, "tokens", 1));
        Api.Response noRuleLease = api.post("/v1/buckets/zz-rel-nothing/lease", Map.of("tokens", 1));
        Api.Response badKey = api.raw(
                "POST",
                "/v1/buckets/rel:k%00/release",
                Map.of("Content-Type", "application/json"),
                ("{\"leaseId\":\"" + id + "\",\"tokens\":1}").getBytes());
        Api.Response textPlain = api.raw(
                "POST",
                release,
                Map.of("Content-Type", "text/plain"),
                ("{\"leaseId\":\"" + id + "\",\"tokens\":1}").getBytes());

        assertThat(noBody.status()).isEqualTo(400);
        assertThat(noRule.status()).isEqualTo(404);
        assertThat(noRule.json().get("error").asText()).isEqualTo("no_rule");
        assertThat(noRuleLease.status()).isEqualTo(404);
        assertThat(noRuleLease.json().get("error").asText()).isEqualTo("no_rule");
        assertThat(badKey.status()).isEqualTo(400);
        assertThat(textPlain.status()).isEqualTo(415);
        assertThat(tokens("rel:bad")).isEqualTo(before);
        // and none of them spent the lease
        assertThat(release("rel:bad", id, 4).json().get("released").asLong()).isEqualTo(4);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
