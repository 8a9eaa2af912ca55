package dev.tokenplane.bms.http;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Requests the HTTP decoder could not read (before any route sees them) get the contract's JSON error instead of
 * Vert.x's empty default, then the connection is closed: 431 {@code headers_too_large} for headers over Vert.x's
 * limit (8 KiB), 414 {@code uri_too_long} for a request line over 4 KiB, 400 {@code bad_request} for the rest.
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
        request.response()
                .setStatusCode(error.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(Json.write(error));
    }
}
