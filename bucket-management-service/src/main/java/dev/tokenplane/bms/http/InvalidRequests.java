package dev.tokenplane.bms.http;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * Requests the HTTP decoder could not read (before any route sees them) get the contract's JSON error instead of
 * Vert.x's empty default, then the connection is closed: 431 {@code headers_too_large} for headers over Vert.x's
 * limit (8 KiB), 414 {@code uri_too_long} for a request line over 4 KiB, 400 {@code bad_request} for the rest. An
 * HTTP/1.x request with more than one {@code Host} header gets 400 {@code bad_request} here too, before any route
 * ({@link #oneHost}).
 */
public final class InvalidRequests {
    private InvalidRequests() {}

    /** The server's {@code invalidRequestHandler}. */
    public static void handle(HttpServerRequest request) {
        DecoderResult result = request.decoderResult();
        Throwable cause = result == null ? null : result.cause();
        ErrorMapper.ApiError error;
        if (cause instanceof TooLongHttpHeaderException) {
            error = new ErrorMapper.ApiError(431, "headers_too_large", "request headers over the limit of 8192 bytes");
        } else if (cause instanceof TooLongHttpLineException) {
            error = new ErrorMapper.ApiError(414, "uri_too_long", "request line over the limit of 4096 bytes");
        } else {
            error = new ErrorMapper.ApiError(400, "bad_request", "malformed HTTP request");
        }
        refuse(request, error);
    }

    /**
     * The server's request handler: {@code next} for the requests with at most one {@code Host} header, 400
     * {@code bad_request} for the others. RFC 9112 section 3.2 requires the 400 (two hosts may make a proxy and this
     * server disagree on which one the request is for), and neither Netty's decoder nor Vert.x Web checks it: Vert.x
     * Web checks the first {@code Host} only (and none on HTTP/1.0, which does not require it). It runs before the
     * router, so every route, the fast acquire routes included, is covered; it costs one lookup in the decoded headers.
     * HTTP/2 names the authority in {@code :authority}, which its own decoder checks: it is left alone.
     */
    public static Handler<HttpServerRequest> oneHost(Handler<HttpServerRequest> next) {
        return request -> {
            if (request.version() != HttpVersion.HTTP_2
                    && request.headers().getAll(HttpHeaders.HOST).size() > 1) {
                refuse(
                        request,
                        new ErrorMapper.ApiError(400, "bad_request", "malformed request: more than one Host header"));
            } else {
                next.handle(request);
            }
        };
    }

    /** Answers {@code request} with {@code error} and closes the connection after it. */
    private static void refuse(HttpServerRequest request, ErrorMapper.ApiError error) {
        request.response()
                .setStatusCode(error.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(Json.write(error))
                // Vert.x closes after the answer to a request its decoder failed, not after one it decoded
                .onComplete(sent -> request.connection().close());
    }
}
