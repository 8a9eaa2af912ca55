package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.agents.ServerPattern;
import dev.tokenplane.bms.config.ConfigRecord;
import dev.tokenplane.bms.config.ConfigWrite;
import dev.tokenplane.bms.support.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit record of a write whose client resets the connection while the write is still being applied, on a real
 * Vert.x server with a route whose write the test holds: the record waits for the write and carries its versions.
 */
class AuditTrailTest {
    private static final String BODY = "{}";

    /** What the route's audit recorded: status, version before, version after. */
    record Kept(int status, Long before, Long after) {}

    private final List<Kept> kept = new CopyOnWriteArrayList<>();
    /** The route's write, held until the test completes it (on the request's context: {@link #finish}). */
    private final CompletableFuture<Promise<ConfigWrite>> held = new CompletableFuture<>();

    private volatile Context requestContext;
    /** Completed when the request's end handlers ran (here: when the server saw the reset). */
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private Vertx vertx;
    private int port;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        Caller admin = new Caller("admin", Caller.Role.ADMIN, ServerPattern.ALL);
        router.put("/t/:id").handler(ctx -> {
            // end handlers run in reverse order: this one, added first, runs after the audit's
            ctx.addEndHandler(done -> ended.complete(null));
            AuditTrail.attach(
                    ctx,
                    (credential, method, path, route, object, status, before, after) ->
                            kept.add(new Kept(status, before, after)),
                    admin,
                    "/t/:id");
            requestContext = Vertx.currentContext();
            Promise<ConfigWrite> store = Promise.promise();
            Future<ConfigWrite> write = store.future().map(w -> {
                AuditTrail.versions(ctx, w);
                return w;
            });
            Replies.then(
                    ctx,
                    AuditTrail.applying(ctx, write),
                    w -> ctx.response().setStatusCode(201).end());
            held.complete(store);
        });
        port = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS)
                .actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldRecordAWriteWhoseClientLeftWhileItWasAppliedOnceItFinishesWithItsVersions() throws Exception {
        // Given a write under way (the route holds it), whose client then resets the connection
        try (Socket socket = put()) {
            held.get(10, TimeUnit.SECONDS);
        }
        ended.get(10, TimeUnit.SECONDS);

        // Then nothing is recorded while the write goes on (the versions are not known yet)
        assertThat(kept).isEmpty();

        // When the write finishes, creating version 1
        finish(1);

        // Then one record: 499 (nobody heard the answer), with the versions the write produced
        Await.until(() -> !kept.isEmpty());
        assertThat(kept).containsExactly(new Kept(499, null, 1L));
    }

    @Test
    void shouldRecordAWriteThatFinishedBeforeItsClientLeftAtOnce() throws Exception {
        // Given a write that finished (version 1) before its client reset the connection (its answer not read)
        try (Socket socket = put()) {
            finish(1);
            ended.get(10, TimeUnit.SECONDS);
        }

        // Then it is recorded at once with the status answered
        Await.until(() -> !kept.isEmpty());
        assertThat(kept).containsExactly(new Kept(201, null, 1L));
    }

    /** Sends the whole write request on a new connection whose close resets it (RST), without reading an answer. */
    private Socket put() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoLinger(true, 0);
        socket.getOutputStream()
                .write(("PUT /t/x HTTP/1.1\r\nHost: t\r\nContent-Length: " + BODY.length() + "\r\n\r\n" + BODY)
                        .getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return socket;
    }

    /** Completes the held write as the creation of {@code version}, on the request's context as a store call is. */
    private void finish(long version) throws Exception {
        Promise<ConfigWrite> store = held.get(10, TimeUnit.SECONDS);
        requestContext.runOnContext(v -> store.complete(new ConfigWrite(
                ConfigWrite.Outcome.CREATED, new ConfigRecord("x", version, System.currentTimeMillis(), false, BODY))));
    }
}
