package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.SharedBms;
import dev.tokenplane.bms.support.SharedBmsTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Single and batch decisions over real HTTP: the contract's fields, the core's outcomes mapped, the seams. */
class DecisionApiTest extends SharedBmsTest {

    @BeforeAll
    static void start() throws Exception {
        api.put("/v1/rules/da-slow", Map.of("match", "daslow:*", "capacity", 10, "refillPerSecond", 0.5));
        api.put(
                "/v1/rules/da-leaky",
                Map.of("match", "daleaky:*", "capacity", 5, "refillPerSecond", 10, "algorithm", "LEAKY_BUCKET"));
        api.put(
                "/v1/rules/da-shadow",
                Map.of("match", "dashadow:*", "capacity", 2, "refillPerSecond", 0.001, "shadow", true));
        api.put(
                "/v1/rules/da-borrow",
                Map.of(
                        "match",
                        "daborrow:*",
                        "capacity",
                        4,
                        "refillPerSecond",
                        0.001,
                        "transfer",
                        Map.of("pool", SharedBms.LENDING_POOL, "canBorrow", true)));
        api.put(
                "/v1/rules/da-noborrow",
                Map.of(
                        "match",
                        "danoborrow:*",
                        "capacity",
                        4,
                        "refillPerSecond",
                        0.001,
                        "transfer",
                        Map.of("pool", SharedBms.LENDING_POOL, "canBorrow", false)));
    }

    @Test
    void shouldReadAnAcquireBodyThatArrivesInSeveralChunks() {
        // Given a body cut in three chunks, the cut inside a number
        String body = "3\r\n{\"t\r\n8\r\nokens\":1\r\n2\r\n2}\r\n0\r\n\r\n";

        // When it is sent as one acquire
        Api.Response r = api.raw(
                "POST",
                "/v1/buckets/daslow:chunks/acquire",
                Map.of("Content-Type", "application/json", "Transfer-Encoding", "chunked"),
                body.getBytes(StandardCharsets.US_ASCII));

        // Then the whole body was read: 12 tokens asked for, more than the bucket's capacity of 10
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("message").asText()).contains("capacity 10, was 12");
        JsonNode granted = api.raw(
                        "POST",
                        "/v1/buckets/daslow:chunks/acquire",
                        Map.of("Content-Type", "application/json", "Transfer-Encoding", "chunked"),
                        "3\r\n{\"t\r\n9\r\nokens\":3}\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII))
                .json();
        assertThat(granted.get("tokens").asLong()).isEqualTo(3);
        assertThat(granted.get("remaining").asLong()).isEqualTo(7);
    }

    @Test
    void shouldReadTheBodyOfEachPipelinedAcquire() throws Exception {
        // Given three acquires written at once on one connection (the second and third wait for the first's answer)
        URI uri = URI.create(api.base());
        StringBuilder requests = new StringBuilder();
        for (int tokens = 1; tokens <= 3; tokens++) {
            String body = "{\"tokens\":" + tokens + "}";
            requests.append("POST /v1/buckets/daslow:pipelined/acquire HTTP/1.1\r\nHost: ")
                    .append(uri.getHost())
                    .append("\r\nContent-Type: application/json\r\nContent-Length: ")
                    .append(body.length())
                    .append(tokens == 3 ? "\r\nConnection: close" : "")
                    .append("\r\n\r\n")
                    .append(body);
        }
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(requests.toString().getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();

            // Then each is decided on its own body, in order
            String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answers)
                    .contains("\"tokens\":1,\"remaining\":9")
                    .contains("\"tokens\":2,\"remaining\":7")
                    .contains("\"tokens\":3,\"remaining\":4");
        }
    }

    @Test
    void shouldAnswer100ContinueBeforeReadingAnAcquireBody() throws Exception {
        // Given a client that waits for 100 Continue before it sends its body
        URI uri = URI.create(api.base());
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            out.write(("POST /v1/buckets/daslow:continue/acquire HTTP/1.1\r\nHost: " + uri.getHost()
                            + "\r\nContent-Type: application/json\r\nContent-Length: 12\r\n"
                            + "Expect: 100-continue\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();

            // When the server answers the expectation, and the body follows
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 100 Continue");
            out.write("{\"tokens\":4}".getBytes(StandardCharsets.US_ASCII));
            out.flush();

            // Then the decision is on that body
            String rest = in.lines().collect(Collectors.joining("\n"));
            assertThat(rest).contains("HTTP/1.1 200 OK").contains("\"tokens\":4,\"remaining\":6");
        }
    }

    @Test
    void shouldGrantWithDefaultsThenDenyWithRetryAfter() {
        // Given a bucket of 10 refilling at 0.5/s; an empty body means 1 token, no wait
        JsonNode first = api.post("/v1/buckets/daslow:a/acquire", null).json();
        assertThat(first.get("granted").asBoolean()).isTrue();
        assertThat(first.get("tokens").asLong()).isEqualTo(1);
        assertThat(first.get("remaining").asLong()).isEqualTo(9);
        assertThat(first.get("capacity").asLong()).isEqualTo(10);
        assertThat(first.get("refillPerSecond").asDouble()).isEqualTo(0.5);
        assertThat(first.get("waitMs").asLong()).isZero();
        assertThat(first.get("retryAfterMs").asLong()).isZero();
        assertThat(first.get("borrowed").asLong()).isZero();
        assertThat(first.get("ruleId").asText()).isEqualTo("da-slow");
        assertThat(first.get("key").asText()).isEqualTo("daslow:a");

        // When the rest is taken and one more asked for
        assertThat(api.post("/v1/buckets/daslow:a/acquire", Map.of("tokens", 9))
                        .json()
                        .get("granted")
                        .asBoolean())
                .isTrue();
        Api.Response denied = api.post("/v1/buckets/daslow:a/acquire", Map.of("tokens", 1));

        // Then it is a 200 denial with the time until a token is back (2 s at 0.5/s, less what has refilled)
        assertThat(denied.status()).isEqualTo(200);
        JsonNode d = denied.json();
        assertThat(d.get("granted").asBoolean()).isFalse();
        assertThat(d.get("retryAfterMs").asLong()).isBetween(1L, 2000L);
        assertThat(d.get("waitMs").asLong()).isZero();
    }

    @Test
    void shouldRejectMoreTokensThanTheCapacityNamingTheLimit() {
        Api.Response r = api.post("/v1/buckets/daslow:big/acquire", Map.of("tokens", 11));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("validation");
        assertThat(r.json().get("message").asText()).contains("capacity 10");
    }

    @Test
    void shouldMakeALeakyBucketCallerWait() {
        // A leaky bucket holds one token: the second request in a row waits for its turn (10/s: 100 ms)
        JsonNode first = api.post("/v1/buckets/daleaky:a/acquire", Map.of("tokens", 1, "maxWaitMs", 1000))
                .json();
        JsonNode second = api.post("/v1/buckets/daleaky:a/acquire", Map.of("tokens", 1, "maxWaitMs", 1000))
                .json();
        JsonNode noWait =
                api.post("/v1/buckets/daleaky:a/acquire", Map.of("tokens", 1)).json();
        Api.Response tooMany = api.post("/v1/buckets/daleaky:b/acquire", Map.of("tokens", 3));

        assertThat(first.get("granted").asBoolean()).isTrue();
        assertThat(second.get("granted").asBoolean()).isTrue();
        assertThat(second.get("waitMs").asLong()).isBetween(1L, 100L);
        assertThat(noWait.get("granted").asBoolean()).isFalse();
        assertThat(noWait.get("retryAfterMs").asLong()).isPositive();
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().get("message").asText()).contains("maxWaitMs >=");
    }

    @Test
    void shouldAlwaysGrantUnderAShadowRuleButCountTheDenials() {
        List<JsonNode> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            answers.add(api.post("/v1/buckets/dashadow:a/acquire", "{}").json());
        }

        assertThat(answers).allSatisfy(a -> {
            assertThat(a.get("granted").asBoolean()).isTrue();
            assertThat(a.get("shadow").asBoolean()).isTrue();
        });
        assertThat(answers.stream()
                        .filter(a -> a.get("shadowDenied").asBoolean())
                        .count())
                .isEqualTo(2);
        String metrics = api.getAnonymous("/metrics").body();
        assertThat(metrics)
                .containsPattern("bms_decisions_total\\{outcome=\"shadow_denied\",rule=\"da-shadow\"} 2\\.0");
    }

    @Test
    void shouldAskTheBorrowerOnlyForABucketThatMayBorrow() {
        // Given two empty buckets in a pool whose lender gives what is asked
        api.post("/v1/buckets/daborrow:a/acquire", Map.of("tokens", 4));
        api.post("/v1/buckets/danoborrow:a/acquire", Map.of("tokens", 4));

        // When each asks for 2 more
        JsonNode borrowing =
                api.post("/v1/buckets/daborrow:a/acquire", Map.of("tokens", 2)).json();
        JsonNode notBorrowing = api.post("/v1/buckets/danoborrow:a/acquire", Map.of("tokens", 2))
                .json();

        // Then only the one that may borrow is granted, and says how much came from the transfer
        assertThat(borrowing.get("granted").asBoolean()).isTrue();
        assertThat(borrowing.get("borrowed").asLong()).isEqualTo(2);
        assertThat(notBorrowing.get("granted").asBoolean()).isFalse();
        assertThat(notBorrowing.get("borrowed").asLong()).isZero();
    }

    @Test
    void shouldBorrowForADeniedBatchItemToo() {
        api.post("/v1/buckets/daborrow:batch/acquire", Map.of("tokens", 4));

        JsonNode results = api.post(
                        "/v1/acquire",
                        Map.of(
                                "requests",
                                List.of(
                                        Map.of("key", "danoborrow:batch"),
                                        Map.of("key", "daborrow:batch", "tokens", 3))))
                .json()
                .get("results");

        assertThat(results.get(0).get("borrowed").asLong()).isZero();
        assertThat(results.get(1).get("granted").asBoolean()).isTrue();
        assertThat(results.get(1).get("borrowed").asLong()).isEqualTo(3);
    }

    @Test
    void shouldAnswerABatchInOrderWithOneStoreCall() {
        // Given 100 decisions over 5 keys, with one item per failure kind in between
        List<Object> requests = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            requests.add(Map.of("key", "daslow:batch" + (i % 5)));
        }
        requests.add(2, Map.of("key", "nothing-matches"));
        requests.add(4, Map.of("key", "daslow:batch0", "tokens", 0));
        requests.add(6, Map.of("key", "daslow:batch0", "tokens", 50));
        long callsBefore = bms.store.acquireAlls.get();
        long singlesBefore = bms.store.acquires.get();

        // When they go in one request
        Api.Response r = api.post("/v1/acquire", Map.of("requests", requests));

        // Then the results come in request order, the failing items fail alone, and the store saw one call
        assertThat(r.status()).isEqualTo(200);
        JsonNode results = r.json().get("results");
        assertThat(results).hasSize(103);
        for (int i = 0; i < results.size(); i++) {
            assertThat(results.get(i).get("key").asText()).isEqualTo(((Map<?, ?>) requests.get(i)).get("key"));
        }
        assertThat(results.get(2).get("error").asText()).isEqualTo("no_rule");
        assertThat(results.get(4).get("error").asText()).isEqualTo("validation");
        assertThat(results.get(6).get("error").asText()).isEqualTo("validation");
        long granted = 0;
        for (JsonNode res : results) {
            if (res.has("granted") && res.get("granted").asBoolean()) {
                granted++;
            }
        }
        assertThat(granted).isEqualTo(50); // 5 keys of capacity 10
        assertThat(bms.store.acquireAlls.get() - callsBefore).isEqualTo(1);
        assertThat(bms.store.acquires.get() - singlesBefore).isZero();
    }

    @Test
    void shouldRefuseAKeyNamingTheClientWhenThereAreNoApiKeys() {
        Api.Response single = api.post("/v1/buckets/daslow:%7Bclient%7D/acquire", null);
        Api.Response batch = api.post("/v1/acquire", Map.of("requests", List.of(Map.of("key", "daslow:{client}"))));

        assertThat(single.status()).isEqualTo(400);
        assertThat(single.json().get("error").asText()).isEqualTo("validation");
        assertThat(single.json().get("message").asText()).contains("{client}").contains("API key");
        assertThat(batch.json().get("results").get(0).get("error").asText()).isEqualTo("validation");
    }
}
