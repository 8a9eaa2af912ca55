package dev.tokenplane.runtime.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.util.AttributeKey;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.HttpServerConnection;
import java.io.IOException;

/**
 * Lets a request whose chunked body the HTTP/1.x decoder cannot read (a chunk size that is not hex, a chunk longer
 * than its size) get a 400 instead of a silent close, on any Vert.x HTTP server that installs it as its connection
 * handler ({@code server.connectionHandler(MalformedBodies::install)}): the BMS, the load agent, the example service.
 *
 * <p>Vert.x 5 (Http1xServerConnection) fires such a decoder failure through the channel pipeline; its own handler
 * then gives it to the request's exception handler (the route's body reader, which fails the request, so the server's
 * failure or error handler answers) and closes the channel at once, while that answer is written but not yet flushed
 * (Vert.x flushes at the end of a read), so the close dropped it. This Netty handler, just before Vert.x's, marks a
 * failure of the client's input as a {@link MalformedBodyException} (which the server's handler answers with 400, not
 * 500) and flushes before the close. It handles only exceptions and the close, so Netty skips it on every read and
 * write: it costs nothing per request, and it is added once per connection.
 */
@ChannelHandler.Sharable
public final class MalformedBodies extends ChannelDuplexHandler {
    private static final MalformedBodies INSTANCE = new MalformedBodies();
    private static final String NAME = "tp-malformed-bodies";
    /** Vert.x's handler of an HTTP/1.x connection in the channel pipeline. */
    private static final String VERTX_HANDLER = "handler";
    /** Netty's HTTP/1.x decoder in the channel pipeline, as Vert.x names it. */
    private static final String HTTP_DECODER = "httpDecoder";
    /** Set on a channel whose request body was found malformed: that request is answered 400, then it closes. */
    private static final AttributeKey<Boolean> MALFORMED = AttributeKey.valueOf("tp.malformedBody");

    /** A request body the HTTP decoder could not read: the server answers it 400. */
    public static final class MalformedBodyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedBodyException(Throwable cause) {
            super("malformed chunked body", cause, false, false);
        }
    }

    private MalformedBodies() {}

    /** The HTTP server's connection handler: adds the handler to an HTTP/1.x connection's pipeline. */
    public static void install(HttpConnection connection) {
        if (connection instanceof HttpServerConnection server) {
            ChannelPipeline pipeline = server.channelHandlerContext().pipeline();
            if (pipeline.get(HTTP_DECODER) != null && pipeline.get(VERTX_HANDLER) != null) {
                pipeline.addBefore(VERTX_HANDLER, NAME, INSTANCE);
            }
        }
    }

    /**
     * Answers a request that failed with {@link MalformedBodyException}, for a server without its own error format (the
     * load agent, the example service): 400 {@code {"error":"bad_request","message":"malformed chunked body"}} with
     * {@code Connection: close}, since the connection closes after it.
     */
    public static void answer(HttpServerResponse response) {
        if (!response.ended()) {
            response.setStatusCode(400)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end("{\"error\":\"bad_request\",\"message\":\"malformed chunked body\"}");
        }
    }

    /**
     * Whether the request in progress on {@code connection} had a malformed body: Vert.x then reports it reset (it
     * failed with the connection) though it is answered 400 before the close.
     */
    public static boolean malformedBody(HttpConnection connection) {
        return connection instanceof HttpServerConnection server
                && server.channelHandlerContext().channel().hasAttr(MALFORMED);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // here, before Vert.x's handler, come failures of the input only: the HTTP/1.x decoder's (while it is still in
        // the pipeline: not after an upgrade to HTTP/2), or I/O and TLS errors
        boolean io = cause instanceof IOException || cause.getCause() instanceof IOException;
        boolean decoder = cause instanceof Exception && !io && ctx.pipeline().get(HTTP_DECODER) != null;
        if (decoder) {
            ctx.channel().attr(MALFORMED).set(Boolean.TRUE);
        }
        ctx.fireExceptionCaught(decoder ? new MalformedBodyException(cause) : cause);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.flush(); // what was written before the close (the 400) goes out first
        ctx.close(promise);
    }
}
