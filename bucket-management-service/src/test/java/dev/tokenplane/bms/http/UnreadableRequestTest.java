package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.SharedBmsTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Requests the HTTP decoder cannot read, sent as raw bytes on a keep-alive connection to a real member: a chunked body
 * broken in the middle, and requests refused before any route sees them (the request line, a header line, sizes).
 * Each gets its 4xx with the contract's JSON error and {@code Connection: close}, the server then closes the
 * connection, and a good request on a fresh connection is served as before.
 */
class UnreadableRequestTest extends SharedBmsTest {
    /** How long a read may wait for the server's answer and its close: far beyond any real answer. */
    private static final int READ_DEADLINE_MS = 10_000;

    static String token;
    static long startedAt;

    @BeforeAll
    static void start() throws Exception {
        token = bms.node.adminToken();
        startedAt = System.currentTimeMillis();
        api.put("/v1/rules/ur", Map.of("match", "ur:*", "capacity", 1_000_000, "refillPerSecond", 1));
    }

    @AfterEach
    void goodRequestOnAFreshConnection() {
        // a good request on a fresh connection afterwards is still served
        assertThat(api.post("/v1/buckets/ur:after/acquire", "{}").status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0} {1} with {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "POST | /v1/buckets/ur:k/acquire | a chunk size that is not hex | zz\\r\\n",
                "POST | /v1/buckets/ur:k/acquire | a broken chunk after a good one | 5\\r\\n{\"tok\\r\\nzz\\r\\n",
                "POST | /v1/buckets/ur:k/acquire | a chunk longer than its size | 2\\r\\n{}}}\\r\\n0\\r\\n\\r\\n",
                "POST | /v1/acquire | a chunk size that is not hex | zz\\r\\n",
                "PUT | /v1/rules/ur-x1 | a chunk size that is not hex | zz\\r\\n",
                "PUT | /v1/rules/ur-x2 | a broken chunk after a good one | 3\\r\\n{\"m\\r\\n-1\\r\\n",
            })
    void shouldAnswerAMalformedChunkedBodyWithJson400AndClose(String method, String path, String what, String body)
            throws IOException {
        // Given a request whose chunked body breaks off (the decoder cannot read it)
        String request = method + " " + path + " HTTP/1.1\r\n"
                + "Host: t\r\n"
                + "Authorization: Bearer " + token + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
                + body.replace("\\r\\n", "\r\n");

        // When it is sent on a keep-alive connection
        Api.Response answer = send(request);

        // Then 400 with the contract's JSON error, Connection: close, and the connection closed (send read to EOF)
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.headers()).containsEntry("connection", "close");
        assertThat(answer.headers().get("content-type")).startsWith("application/json");
        assertThat(answer.json().path("error").asText()).isEqualTo("bad_request");
        assertThat(answer.json().path("message").asText()).isEqualTo("malformed chunked body");
        if (method.equals("PUT")) {
            // And the write did not happen, and the audit records it with the status the client got
            assertThat(api.get(path).status()).isEqualTo(404);
            Await.until(() -> !audited(path).isEmpty());
            assertThat(audited(path)).containsExactly(400);
        }
    }

    @Test
    void shouldAuditAWriteWhoseClientLeavesInTheMiddleOfItsBodyAsClientClosedAndApplyNothing() throws IOException {
        // Given a rule write whose client sends its headers and half of its body, then closes the connection
        String path = "/v1/rules/ur-left";
        String body = "{\"match\":\"ur-left:*\",\"capacity\":5,\"refillPerSecond\":1}";
        URI uri = URI.create(api.base());
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.getOutputStream()
                    .write(("PUT " + path + " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + token
                                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                                    + "\r\n\r\n" + body.substring(0, body.length() / 2))
                            .getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
        }

        // Then the audit records it with 499 (client closed request), not a success, and no rule was written
        Await.until(() -> !audited(path).isEmpty());
        assertThat(audited(path)).containsExactly(499);
        assertThat(api.get(path).status()).isEqualTo(404);
    }

    @Test
    void shouldCountAMalformedChunkedBodyAsA400AnswerNotAsAReset() throws IOException {
        // Given the HTTP server meters of POST requests before
        double answered400 = meter("vertx_http_server_requests_total{", "code=\"400\"");
        double resets = meter("vertx_http_server_request_resets_total{", "");

        // When a POST's chunked body breaks off, and it is answered 400
        Api.Response answer = send("POST /v1/buckets/ur:k/acquire HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);

        // Then it counts as one more 400 answer, and not as a reset
        Await.until(() -> meter("vertx_http_server_requests_total{", "code=\"400\"") > answered400);
        assertThat(meter("vertx_http_server_requests_total{", "code=\"400\"")).isEqualTo(answered400 + 1);
        assertThat(meter("vertx_http_server_request_resets_total{", "")).isEqualTo(resets);
    }

    /** The sum of the series of POST requests named {@code prefix} whose tags contain {@code tag}, from /metrics. */
    private static double meter(String prefix, String tag) {
        double sum = 0;
        for (String line : api.getAnonymous("/metrics").body().split("\n")) {
            if (line.startsWith(prefix) && line.contains("method=\"POST\"") && line.contains(tag)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** The statuses of the audit records of writes to {@code path}. */
    private static List<Integer> audited(String path) {
        List<Integer> statuses = new ArrayList<>();
        for (JsonNode r :
                api.get("/v1/audit?limit=1000&since=" + startedAt).json().get("records")) {
            if (r.get("path").asText().equals(path)) {
                statuses.add(r.get("status").asInt());
            }
        }
        return statuses;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "an invalid HTTP version | GET /health/live HTTP/9.x\\r\\nHost: t\\r\\n\\r\\n | 400 | bad_request",
                "a header line without a colon | GET /health/live HTTP/1.1\\r\\nHost: t\\r\\nNoColon\\r\\n\\r\\n | 400 | bad_request",
                "a space before a header's colon | GET /health/live HTTP/1.1\\r\\nHost : t\\r\\n\\r\\n | 400 | bad_request",
                "two different Content-Length values | POST /v1/buckets/ur:k/acquire HTTP/1.1\\r\\nHost: t\\r\\nContent-Type: application/json\\r\\nContent-Length: 2\\r\\nContent-Length: 3\\r\\n\\r\\n{} | 400 | bad_request",
                "a Content-Length that is not a number | POST /v1/buckets/ur:k/acquire HTTP/1.1\\r\\nHost: t\\r\\nContent-Type: application/json\\r\\nContent-Length: two\\r\\n\\r\\n{} | 400 | bad_request",
                "a request line over 4 KiB | GET /v1/buckets/ur:LONG HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n | 414 | uri_too_long",
                "headers over 8 KiB | GET /health/live HTTP/1.1\\r\\nHost: t\\r\\nX-Big: BIG\\r\\n\\r\\n | 431 | headers_too_large",
            })
    void shouldAnswerARequestTheDecoderRefusesWithJsonAndClose(String what, String request, int status, String error)
            throws IOException {
        // Given a request Vert.x refuses before any route sees it
        String bytes = request.replace("\\r\\n", "\r\n")
                .replace("LONG", "k".repeat(5_000))
                .replace("BIG", "x".repeat(10_000));

        // When it is sent on a keep-alive connection
        Api.Response answer = send(bytes);

        // Then its status with the contract's JSON error, Connection: close, and the connection closed
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.headers()).containsEntry("connection", "close");
        assertThat(answer.headers().get("content-type")).startsWith("application/json");
        assertThat(answer.json().path("error").asText()).isEqualTo(error);
        assertThat(answer.json().path("message").isTextual()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "no Host header | GET /health/live HTTP/1.1\\r\\n",
                "a Host with a space | GET /health/live HTTP/1.1\\r\\nHost: a b\\r\\n",
                "a path that does not start with a slash | GET ?x HTTP/1.1\\r\\nHost: t\\r\\n",
            })
    void shouldAnswerARequestTheRouterRefusesWithJson400(String what, String head) throws IOException {
        // Given a request that Vert.x Web's router refuses before any route sees it
        String request = head.replace("\\r\\n", "\r\n") + "Connection: close\r\n\r\n";

        // When it is sent
        Api.Response answer = send(request);

        // Then 400 with the contract's JSON error (not a 500)
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.headers().get("content-type")).startsWith("application/json");
        assertThat(answer.json().path("error").asText()).isEqualTo("bad_request");
        assertThat(answer.json().path("message").asText()).startsWith("malformed request");
    }

    @ParameterizedTest(name = "{0} {1} {2} with Host: {3}")
    @CsvSource(
            delimiter = '|',
            value = {
                "GET | /health/live | HTTP/1.1 | t, t",
                "GET | /health/live | HTTP/1.1 | t, u",
                "GET | /health/live | HTTP/1.0 | t, u",
                "GET | /no/such/route | HTTP/1.1 | t, u",
                "POST | /v1/buckets/ur:k/acquire | HTTP/1.1 | t, u",
                "POST | /v1/acquire | HTTP/1.1 | t, u",
                "PUT | /v1/rules/ur-h | HTTP/1.1 | t, u",
            })
    void shouldAnswerARequestWithMoreThanOneHostHeaderWithJson400(
            String method, String path, String version, String hosts) throws IOException {
        // Given a request with two Host headers (RFC 9112 section 3.2: the server must answer 400), on every kind of
        // route: a plain one, none, the fast acquire route, a body route and an audited admin write
        String body = switch (method) {
            case "PUT" -> "{\"match\":\"ur-h:*\",\"capacity\":5,\"refillPerSecond\":1}"; // a valid rule
            case "POST" -> "{\"key\":\"ur:k\"}";
            default -> "";
        };
        StringBuilder request = new StringBuilder(method + " " + path + " " + version + "\r\n");
        for (String host : hosts.split(",")) {
            request.append("Host: ").append(host.trim()).append("\r\n");
        }
        request.append("Authorization: Bearer ").append(token).append("\r\n");
        if (!body.isEmpty()) {
            request.append("Content-Type: application/json\r\nContent-Length: ")
                    .append(body.length())
                    .append("\r\n");
        }
        request.append("\r\n").append(body);

        // When it is sent on a keep-alive connection
        Api.Response answer = send(request.toString());

        // Then 400 with the contract's JSON error and Connection: close, and nothing of it is applied
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.headers()).containsEntry("connection", "close");
        assertThat(answer.headers().get("content-type")).startsWith("application/json");
        assertThat(answer.json().path("error").asText()).isEqualTo("bad_request");
        assertThat(answer.json().path("message").asText()).isEqualTo("malformed request: more than one Host header");
        if (method.equals("PUT")) {
            assertThat(api.get(path).status()).isEqualTo(404);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "one Host on HTTP/1.1 | GET /health/live HTTP/1.1\\r\\nHost: t\\r\\nConnection: close\\r\\n\\r\\n",
                "no Host on HTTP/1.0 | GET /health/live HTTP/1.0\\r\\n\\r\\n",
            })
    void shouldServeARequestWithOneHostOrAnHttp10RequestWithout(String what, String request) throws IOException {
        // Given a request with its one Host header, or an HTTP/1.0 request without one (HTTP/1.0 does not require it)
        // When it is sent
        Api.Response answer = send(request.replace("\\r\\n", "\r\n"));

        // Then it is served
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    }

    /** Sends {@code request} on a new connection and reads until the server closes it (or fails at the deadline). */
    private static Api.Response send(String request) throws IOException {
        URI uri = URI.create(api.base());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), READ_DEADLINE_MS);
            return exchange(socket, request);
        }
    }

    /** Sends {@code request} on {@code socket} and reads until the server closes it (or fails at the deadline). */
    static Api.Response exchange(Socket socket, String request) throws IOException {
        socket.setSoTimeout(READ_DEADLINE_MS); // a server that keeps the connection open fails the test here
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return Api.parse(readToEnd(socket.getInputStream()));
    }

    private static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) >= 0; ) {
            all.write(buf, 0, n);
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }
}
