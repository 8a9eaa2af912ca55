package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.KeyFlood;
import dev.tokenplane.bms.support.TestSettings;
import dev.tokenplane.bms.support.WellBehavedClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that keeps asking for new buckets past a full budget is refused at the HTTP edge (429
 * {@code creation_rate_exceeded}, {@code Retry-After}) without any store call, after a hold, while another client keeps
 * exact admission on its existing key and still gets the budget's own answer for a new key.
 */
class ClientRefusalLimitApiTest {
    static final int BUDGET = 50;
    static final long CAPACITY = 100;
    static final double REFILL = 1;
    static final String MALLORY = "key-mallory-0001";
    static final String ALICE = "key-alice-000001";
    private static BmsNode node;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        TestSettings settings = TestSettings.member();
        Path keys = settings.dataDir().resolve("api-keys.yaml");
        Files.writeString(keys, MALLORY + ": mallory\n" + ALICE + ": alice\n");
        node = BmsNode.start(settings.with("BMS_MAX_BUCKETS", Integer.toString(BUDGET))
                .with("BMS_API_KEYS_FILE", keys.toString())
                .with("BMS_CLIENT_REFUSALS_PER_SECOND", "10")
                .build());
        api = new Api(node.url(), node.adminToken());
        api.put("/v1/rules/good", Map.of("match", "good:*", "capacity", CAPACITY, "refillPerSecond", REFILL));
        api.put(
                "/v1/rules/hostile",
                Map.of("match", "hostile:*", "capacity", 5, "refillPerSecond", 1, "idleTtlSeconds", 3600));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.stop();
        }
    }

    @Test
    void shouldRefuseAFlooderAtTheEdgeOnceItsBudgetRefusalsPassItsLimit() throws Exception {
        // Given a well-behaved client on an existing key
        WellBehavedClient good = new WellBehavedClient(api.base(), "good:alice", null, ALICE);

        // When a flooder sends 3 batches of 1,000 new keys past a budget of 50 buckets
        KeyFlood flood = new KeyFlood(MALLORY, false).run(api.base(), "hostile:", 3L * DecisionRoutes.MAX_BATCH, 1);

        // Then the first batches are decided item by item (a burst of 1,000 refusals is allowed) ...
        assertThat(flood.failedBatches.get()).as(flood.lastProblem()).isZero();
        assertThat(flood.otherErrors.get()).as(flood.lastProblem()).isZero();
        assertThat(flood.decided.get()).isLessThanOrEqualTo(BUDGET);
        assertThat(flood.refused.get()).isGreaterThan(DecisionRoutes.MAX_BATCH);
        // ... and once past it, the flooder's decisions are refused at the edge, with no store call
        assertThat(flood.throttled.get()).isEqualTo(DecisionRoutes.MAX_BATCH);
        double budgetRefusals = api.metric("bms_bucket_budget_refusals_total");
        long sent = System.nanoTime();
        Api.Response single =
                api.send("POST", "/v1/buckets/hostile:one-more/acquire", "{}", false, "X-Api-Key", MALLORY);
        long answeredAfterMs = (System.nanoTime() - sent) / 1_000_000;
        assertThat(single.status()).isEqualTo(429);
        // held before it is answered, so that a client resending at once makes one request per connection per hold
        assertThat(answeredAfterMs).isGreaterThanOrEqualTo(HeldRefusals.MAX_HOLD_MS);
        assertThat(single.json().get("error").asText()).isEqualTo("creation_rate_exceeded");
        // the debt is bounded at one burst of 1,000 refusals: 100 s at 10/s
        assertThat(Long.parseLong(single.header("retry-after"))).isBetween(1L, 100L);
        assertThat(api.metric("bms_bucket_budget_refusals_total")).isEqualTo(budgetRefusals);

        // And another client is not charged for it: its new key gets the budget's own answer, its old key exact grants
        Api.Response aliceNew =
                api.send("POST", "/v1/buckets/hostile:alice-new/acquire", "{}", false, "X-Api-Key", ALICE);
        assertThat(aliceNew.status()).isEqualTo(503);
        assertThat(aliceNew.json().get("error").asText()).isEqualTo("bucket_budget_exhausted");
        good.assertExactAdmission(CAPACITY, REFILL);
        // And no secret is in the answer
        assertThat(single.body()).doesNotContain(MALLORY);

        // And a refused batch does not leave its unread body on the connection: the same keep-alive connection
        // answers the next refused batch too (it hung until the idle timeout closed it, in the flood benchmark)
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        StringBuilder batch = new StringBuilder("{\"requests\":[");
        for (int i = 0; i < DecisionRoutes.MAX_BATCH; i++) {
            batch.append(i == 0 ? "" : ",")
                    .append("{\"key\":\"hostile:again-")
                    .append(i)
                    .append("\"}");
        }
        HttpRequest again = HttpRequest.newBuilder(URI.create(api.base() + "/v1/acquire"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-Api-Key", MALLORY)
                .POST(HttpRequest.BodyPublishers.ofString(batch.append("]}").toString()))
                .build();
        for (int i = 0; i < 5; i++) {
            assertThat(http.send(again, HttpResponse.BodyHandlers.ofString()).statusCode())
                    .as("refused batch %d on one connection", i)
                    .isEqualTo(429);
        }
    }
}
