package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.KeyFlood;
import dev.tokenplane.bms.support.TestSettings;
import dev.tokenplane.bms.support.WellBehavedClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Hostile clients against one member of its own (bucket budget {@value #BUDGET}, HTTP idle timeout
 * {@value #IDLE_TIMEOUT_MS} ms): key floods, batches of distinct keys, idle and slow connections, partial and
 * oversized headers, many connections. Each gets its documented answer, and meanwhile a well-behaved client on an
 * existing key keeps exact admission (its grants match capacity + refill x elapsed).
 */
class HostileClientTest {
    static final int BUDGET = 300;
    static final int IDLE_TIMEOUT_MS = 1000;
    static final long CAPACITY = 100;
    static final double REFILL = 1;
    static final List<String> GOOD_KEYS =
            List.of("good:flood", "good:batch", "good:idle", "good:slowloris", "good:headers", "good:connections");

    private static BmsNode node;
    private static Api api;
    private final List<Socket> sockets = new ArrayList<>();
    private WellBehavedClient good;

    @BeforeAll
    static void start() throws Exception {
        node = BmsNode.start(TestSettings.member()
                .with("BMS_MAX_BUCKETS", Integer.toString(BUDGET))
                .with("BMS_HTTP_IDLE_TIMEOUT_MS", Integer.toString(IDLE_TIMEOUT_MS))
                // the budget's own answers; the per-client edge limit is ClientRefusalLimitApiTest's (all callers
                // here share one remote address and no API key, so it would refuse the well-behaved client too)
                .with("BMS_CLIENT_REFUSALS_PER_SECOND", "0")
                .build());
        api = new Api(node.url(), node.adminToken());
        api.put("/v1/rules/good", Map.of("match", "good:*", "capacity", CAPACITY, "refillPerSecond", REFILL));
        api.put("/v1/rules/hostile", Map.of("match", "hostile:*", "capacity", 5, "refillPerSecond", 1));
        // Each test's well-behaved key exists before any flood can spend the budget; wait until each is full again.
        for (String key : GOOD_KEYS) {
            assertThat(api.post("/v1/buckets/" + key + "/acquire", "{}").status())
                    .isEqualTo(200);
        }
        for (String key : GOOD_KEYS) {
            Await.until(() -> api.get("/v1/buckets/" + key).json().get("tokens").asDouble() >= CAPACITY);
        }
    }

    @BeforeEach
    void startWellBehavedClient(TestInfo test) {
        String key = GOOD_KEYS.stream()
                .filter(k -> test.getDisplayName().toLowerCase().contains(k.substring("good:".length())))
                .findFirst()
                .orElseThrow();
        good = new WellBehavedClient(api.base(), key, null);
    }

    @AfterEach
    void checkWellBehavedClient() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        good.assertExactAdmission(CAPACITY, REFILL);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.stop();
        }
    }

    @Test
    void shouldAnswerAFloodOfNewKeysWith503AndRetryAfterOncePastTheBudget() {
        // When 2x the budget of distinct keys arrive one by one
        int ok = 0;
        Api.Response refused = null;
        for (int i = 0; i < 2 * BUDGET; i++) {
            Api.Response r = api.post("/v1/buckets/hostile:flood-" + i + "/acquire", "{}");
            if (r.status() == 200) {
                ok++;
            } else {
                refused = r;
                assertThat(r.status()).isEqualTo(503);
            }
        }
        // Then no more than the budget got a bucket, and the rest the documented answer. (The well-behaved key of a
        // test that is not running goes idle, full, and the idle sweep may remove it, which frees its place.)
        long goodAlive = GOOD_KEYS.stream()
                .filter(k -> api.get("/v1/buckets/" + k).status() == 200)
                .count();
        assertThat(ok).isLessThanOrEqualTo(BUDGET - (int) goodAlive);
        assertThat(refused).isNotNull();
        assertThat(refused.header("retry-after")).isEqualTo("30");
        assertThat(refused.json().get("error").asText()).isEqualTo("bucket_budget_exhausted");
    }

    @Test
    void shouldAnswerEachItemOfBatchesOfDistinctKeysAlone() throws Exception {
        // When 5 batches of the most distinct keys a batch may carry arrive
        KeyFlood flood = new KeyFlood().run(api.base(), "hostile:batch-", 5L * DecisionRoutes.MAX_BATCH, 1);
        // Then every batch is answered 200 and every item is a decision or bucket_budget_exhausted
        assertThat(flood.failedBatches.get()).as(flood.lastProblem()).isZero();
        assertThat(flood.otherErrors.get()).as(flood.lastProblem()).isZero();
        assertThat(flood.decided.get() + flood.refused.get()).isEqualTo(5L * DecisionRoutes.MAX_BATCH);
        assertThat(flood.refused.get()).isPositive();
        // And a batch over the maximum is a 400, not a partial answer
        StringBuilder tooMany = new StringBuilder("{\"requests\":[");
        for (int i = 0; i <= DecisionRoutes.MAX_BATCH; i++) {
            tooMany.append(i == 0 ? "" : ",")
                    .append("{\"key\":\"hostile:x")
                    .append(i)
                    .append("\"}");
        }
        Api.Response r = api.post("/v1/acquire", tooMany.append("]}").toString());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("validation");
    }

    @Test
    void shouldCloseAnIdleConnection() throws Exception {
        // Given a connection that sends nothing, and one that finished a request and stays open
        Socket silent = connect();
        Socket kept = connect();
        write(kept, "GET /health/live HTTP/1.1\r\nHost: t\r\n\r\n");
        // Then the server closes both after its idle timeout
        assertThat(closedByServer(silent)).isTrue();
        assertThat(closedByServer(kept)).isTrue();
    }

    @Test
    void shouldCloseSlowlorisConnectionsThatStopMidHeaders() throws Exception {
        // Given 200 connections that each sent part of a request's headers, then stalled
        for (int i = 0; i < 200; i++) {
            Socket s = connect();
            write(s, "POST /v1/acquire HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nX-Slow: ");
        }
        // Then the server closes every one of them after its idle timeout
        for (Socket s : sockets) {
            assertThat(closedByServer(s)).isTrue();
        }
    }

    @Test
    void shouldAnswerOversizedHeadersWithJson() {
        // When a header is over Vert.x's 8 KiB limit
        Api.Response headers = api.raw(
                "POST",
                "/v1/buckets/good:headers/acquire",
                Map.of("X-Big", "x".repeat(10_000)),
                "{}".getBytes(StandardCharsets.UTF_8));
        // Then 431 with the contract's JSON
        assertThat(headers.status()).isEqualTo(431);
        assertThat(headers.json().get("error").asText()).isEqualTo("headers_too_large");
        // When the request line is over its 4 KiB limit: 414 with JSON
        Api.Response line = api.raw(
                "POST",
                "/v1/buckets/" + "k".repeat(5_000) + "/acquire",
                Map.of(),
                "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(line.status()).isEqualTo(414);
        assertThat(line.json().get("error").asText()).isEqualTo("uri_too_long");
        // When there are very many headers, each small: the same limit holds
        Map<String, String> many = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 1_000; i++) {
            many.put("X-H" + i, "v");
        }
        Api.Response manyHeaders = api.raw("GET", "/health/live", many, null);
        assertThat(manyHeaders.status()).isEqualTo(431);
        assertThat(manyHeaders.json().get("error").asText()).isEqualTo("headers_too_large");
    }

    @Test
    void shouldServeWhileManyConnectionsAreOpen() throws Exception {
        // Given 1,000 open connections, half of them with a request in progress
        for (int i = 0; i < 1_000; i++) {
            Socket s = connect();
            if (i % 2 == 0) {
                write(s, "GET /health/live HTTP/1.1\r\nHost: t\r\n");
            }
        }
        // Then a new connection is still served (the well-behaved client's decisions are checked after the test), and
        // the idle timeout closes them all
        assertThat(api.get("/v1/buckets/good:connections").status()).isEqualTo(200);
        for (Socket s : sockets) {
            assertThat(closedByServer(s)).isTrue();
        }
    }

    private Socket connect() throws IOException {
        URI uri = URI.create(api.base());
        Socket s = new Socket();
        s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
        sockets.add(s);
        return s;
    }

    private static void write(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Whether the server closes {@code s} (end of stream, after any answer) within 20 idle timeouts. */
    private static boolean closedByServer(Socket s) throws IOException {
        s.setSoTimeout(20 * IDLE_TIMEOUT_MS);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        try {
            while (true) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server
        }
    }
}
