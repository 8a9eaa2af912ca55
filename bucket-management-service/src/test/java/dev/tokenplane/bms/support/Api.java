package dev.tokenplane.bms.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A small HTTP client for tests: Vert.x's HTTP client for ordinary calls, a raw socket for requests it would refuse.
 *
 * <p>Not java.net.http: on JDK 17 its HTTP/1.1 connection pool can hand the answer of a request sent on a reused
 * connection to the pool's idle-connection watcher, which closes the connection and fails the request with "HTTP/1.1
 * header parser received no bytes" after the server has carried it out (JDK-8338569, fixed in JDK 24). A test that
 * hammers a member hit it about once in a few hundred thousand requests.
 */
public final class Api {
    public static final ObjectMapper JSON = new ObjectMapper();
    /** Below the members' idle timeout (60 s by default), so the client closes an idle connection first. */
    private static final int KEEP_ALIVE_SECONDS = 30;

    private static final Vertx VERTX = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    private static final HttpClient HTTP = VERTX.createHttpClient(
            new HttpClientOptions()
                    .setConnectTimeout(5_000)
                    .setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
                    .setDecompressionSupported(false),
            new PoolOptions().setHttp1MaxSize(64));

    private final String base;
    private final String adminToken;

    public Api(String base, String adminToken) {
        this.base = base;
        this.adminToken = adminToken;
    }

    public String base() {
        return base;
    }

    public String adminToken() {
        return adminToken;
    }

    /** A response: status, headers (lower-case names) and body. */
    public record Response(int status, Map<String, String> headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Response get(String path) {
        return send("GET", path, null, true);
    }

    public Response getAnonymous(String path) {
        return send("GET", path, null, false);
    }

    public Response put(String path, Object body) {
        return send("PUT", path, body, true);
    }

    public Response post(String path, Object body) {
        return send("POST", path, body, true);
    }

    /** The value of an untagged gauge or counter in {@code GET /metrics} (Prometheus names). */
    public double metric(String name) {
        for (String line : getAnonymous("/metrics").body().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no metric " + name);
    }

    public Response delete(String path) {
        return send("DELETE", path, null, true);
    }

    /** Sends {@code body} (a String as is, anything else as JSON), with the admin token when {@code admin}. */
    public Response send(String method, String path, Object body, boolean admin, String... headers) {
        try {
            RequestOptions options = new RequestOptions()
                    .setMethod(HttpMethod.valueOf(method))
                    .setAbsoluteURI(base + path)
                    .setIdleTimeout(30_000);
            if (admin) {
                options.addHeader("Authorization", "Bearer " + adminToken);
            }
            for (int i = 0; i < headers.length; i += 2) {
                options.addHeader(headers[i], headers[i + 1]);
            }
            Buffer payload = null;
            if (body != null) {
                payload = Buffer.buffer(body instanceof String s ? s : JSON.writeValueAsString(body));
                options.putHeader("Content-Type", "application/json");
            } else if (!"GET".equals(method) && !"DELETE".equals(method)) {
                payload = Buffer.buffer(); // Content-Length: 0, as java.net.http sends for a body-less POST or PUT
            }
            Buffer sent = payload;
            CompletableFuture<Response> answer = new CompletableFuture<>();
            // the whole exchange is set up on an event loop, so the body handler is in place before the answer
            // arrives (set up from this thread, it could come too late and miss the body)
            VERTX.runOnContext(v -> HTTP.request(options)
                    .compose(request -> sent == null ? request.send() : request.send(sent))
                    .compose(response -> response.body().map(b -> response(response, b)))
                    .onComplete(answer::complete, answer::completeExceptionally));
            return answer.get(40, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new UncheckedIOException(new IOException(method + " " + path + " failed: " + cause, cause));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Response response(HttpClientResponse response, Buffer body) {
        Map<String, String> h = new LinkedHashMap<>();
        for (String name : response.headers().names()) {
            h.put(
                    name.toLowerCase(Locale.ROOT),
                    String.join(",", response.headers().getAll(name)));
        }
        return new Response(response.statusCode(), h, body.toString(StandardCharsets.UTF_8));
    }

    /**
     * Sends exactly these bytes over a new connection (for paths and headers java.net.http would refuse), with
     * {@code Connection: close}, and reads the answer.
     */
    public Response raw(String method, String rawPath, Map<String, String> headers, byte[] body) {
        URI uri = URI.create(base);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(rawPath).append(" HTTP/1.1\r\n");
            head.append("Host: ")
                    .append(uri.getHost())
                    .append(':')
                    .append(uri.getPort())
                    .append("\r\n");
            head.append("Connection: close\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            if (body != null && headers.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("Transfer-Encoding"))) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                try {
                    out.write(body);
                } catch (IOException e) {
                    // the server may answer (413, 401) and close before it reads the whole body
                }
            }
            out.flush();
            return parse(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Response parse(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                all.write(buf, 0, n);
            }
        } catch (IOException e) {
            // a reset after the answer: keep what arrived
        }
        return parse(all.toString(StandardCharsets.ISO_8859_1));
    }

    /** An HTTP/1.x answer as received (ISO-8859-1): its status, headers and body (de-chunked). */
    public static Response parse(String text) throws IOException {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no HTTP answer: '" + text + "'");
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(
                    lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
        }
        String body = new String(text.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Response(status, headers, body);
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int eol = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, eol).trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
        return out.toString();
    }
}
