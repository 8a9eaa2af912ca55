package dev.tokenplane.bms.http;

import io.netty.handler.codec.DecoderException;
import io.vertx.core.Handler;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads the body of a route that takes a small JSON body (the single acquire) and hands it to the route's handler,
 * without Vert.x Web's generic {@code BodyHandler}: no form or file-upload machinery, no content-type parsing (the
 * {@link ApiRouter} guard checked it already), and a body that arrives in one piece is passed on as it is, not copied.
 * On a decision answered from a member-local lease, that handler was a sizeable part of what a request cost beyond
 * {@code GET /health/live} (BENCHMARKS.md).
 *
 * <p>Answers as {@code BodyHandler} does, so the contract is the same: a {@code Content-Length} over the limit fails
 * the request with 413 before a byte is read, a body that passes the limit while it arrives (chunked) fails with 413
 * and the rest is ignored, a malformed body stream with 400, an {@code Expect} other than {@code 100-continue} with
 * 417; {@code 100-continue} is answered before reading. A request without a body (neither length nor chunks) reaches
 * the handler with a null body. The failures go through the router's error handlers ({@link ErrorMapper}).
 */
final class SmallBody implements Handler<Buffer> {
    /** A route handler that takes the request's body (null when the request has none). */
    @FunctionalInterface
    interface BodyHandler {
        void handle(RoutingContext ctx, Buffer body) throws Exception;
    }

    private final RoutingContext ctx;
    private final int limit;
    private final BodyHandler next;
    private Buffer body;
    private long received;
    private boolean failed;
    /** Whether {@link #body} is a buffer of our own (more than one chunk arrived), not the first chunk as received. */
    private boolean owned;

    private SmallBody(RoutingContext ctx, int limit, BodyHandler next) {
        this.ctx = ctx;
        this.limit = limit;
        this.next = next;
    }

    /** Reads the body of {@code ctx}'s request (at most {@code limit} bytes), then runs {@code next} with it. */
    static void read(RoutingContext ctx, int limit, BodyHandler next) {
        HttpServerRequest request = ctx.request();
        long length = contentLength(request);
        boolean chunked =
                request.version() == HttpVersion.HTTP_2 || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
        if (!chunked && length == -1) {
            run(ctx, next, null);
            return;
        }
        if (length > limit) {
            ctx.fail(413);
            return;
        }
        String expect = request.getHeader(HttpHeaders.EXPECT);
        if (expect != null) {
            if (!expect.equalsIgnoreCase("100-continue")) {
                ctx.fail(417);
                return;
            }
            if (request.version() != HttpVersion.HTTP_1_0) { // an HTTP/1.0 client's expectation is ignored
                ctx.response().writeContinue();
            }
        }
        if (request.isEnded()) { // only when a step before this one read or lost the body: a bug, not the client's
            ctx.fail(new VertxException("the body was read before SmallBody", true));
            return;
        }
        SmallBody reader = new SmallBody(ctx, limit, next);
        // no resume(): nothing before this step pauses the request (ApiRouter's guard and a route's own step never
        // do), and a resume costs a task on the event loop per request
        request.exceptionHandler(reader::failed).handler(reader).endHandler(reader::end);
    }

    @Override
    public void handle(Buffer chunk) {
        if (failed) {
            return;
        }
        received += chunk.length();
        if (received > limit) {
            failed = true;
            ctx.fail(413);
            return;
        }
        if (body == null) {
            body = chunk; // Vert.x hands out a copy of its network buffer: safe to keep
            return;
        }
        if (!owned) { // a second chunk: from now on into a buffer of our own
            body = Buffer.buffer((int) Math.min(limit, 2 * received)).appendBuffer(body);
            owned = true;
        }
        body.appendBuffer(chunk);
    }

    private void end(Void ignored) {
        if (failed || ctx.failed()) {
            return;
        }
        run(ctx, next, body);
    }

    /** A broken body stream (a malformed chunk): 400, as {@code BodyHandler} answers it. */
    private void failed(Throwable t) {
        failed = true;
        if (t instanceof DecoderException) {
            ctx.fail(400, t.getCause() != null ? t.getCause() : t);
        } else {
            ctx.fail(t);
        }
    }

    private static void run(RoutingContext ctx, BodyHandler next, Buffer body) {
        try {
            next.handle(ctx, body);
        } catch (Exception e) {
            ctx.fail(e);
        }
    }

    /** The request's {@code Content-Length}, or -1 when it has none or it is not a number (as BodyHandler reads it). */
    static long contentLength(HttpServerRequest request) {
        String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (value == null || value.isEmpty()) {
            return -1;
        }
        try {
            long length = Long.parseLong(value);
            return length < 0 ? -1 : length;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
