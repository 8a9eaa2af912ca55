package dev.tokenplane.agent.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the BMS's report endpoint that the test controls: it accepts (202), fails (500), rejects (400) or
 * hangs (never answers), can be stopped (connections are then refused) and restarted on the same port.
 */
public final class FakeBms implements AutoCloseable {

    /** How the server answers. */
    public enum Mode {
        ACCEPT,
        ERROR_500,
        REJECT_400,
        HANG
    }

    /** One request that reached the server. */
    public record Request(long atNanos, String path, String authorization, JsonObject body) {}

    private final Vertx vertx;
    private final int port;
    private final List<Request> attempts = new CopyOnWriteArrayList<>();
    private final List<Request> accepted = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.ACCEPT;
    private HttpServer server;

    private FakeBms(Vertx vertx, int port) {
        this.vertx = vertx;
        this.port = port;
    }

    /** Starts a server on a free port. */
    public static FakeBms start(Vertx vertx) throws Exception {
        FakeBms bms = new FakeBms(vertx, freePort());
        bms.restart();
        return bms;
    }

    /** A port nothing listens on (bound and released at once), for "connection refused". */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public FakeBms mode(Mode newMode) {
        this.mode = newMode;
        return this;
    }

    /** Every request that arrived, whatever the answer. */
    public List<Request> attempts() {
        return attempts;
    }

    /** Requests answered 202. */
    public List<Request> accepted() {
        return accepted;
    }

    /** Stops listening and closes open connections: new connections are refused. */
    public void stop() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Listens again on the same port. */
    public void restart() throws Exception {
        server = vertx.createHttpServer()
                .requestHandler(request -> request.body().onSuccess(buffer -> {
                    Request seen = new Request(
                            System.nanoTime(),
                            request.path(),
                            request.getHeader("Authorization"),
                            buffer.length() == 0 ? new JsonObject() : buffer.toJsonObject());
                    attempts.add(seen);
                    switch (mode) {
                        case ACCEPT -> {
                            accepted.add(seen);
                            request.response().setStatusCode(202).end();
                        }
                        case ERROR_500 ->
                            request.response().setStatusCode(500).end("{\"error\":\"internal\",\"message\":\"test\"}");
                        case REJECT_400 ->
                            request.response()
                                    .setStatusCode(400)
                                    .end("{\"error\":\"validation\",\"message\":\"test\"}");
                        case HANG -> {
                            // never answer
                        }
                    }
                }))
                .listen(port, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
