package dev.tokenplane.bms.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * Reads a request's body (up to the limit: 413 past it) into a buffer sized for it. Vert.x's body handler starts every
 * body at 1 KiB whatever its {@code Content-Length}; a decision's body is a dozen bytes, and that kilobyte was about a
 * tenth of what a decision allocated. A body that declares at most 1 KiB gets a buffer of its declared length; a larger
 * or chunked one starts at 1 KiB and grows with what arrives, as before, so a request that declares a large body and
 * sends nothing holds no more memory than it did.
 */
final class BodyBuffers implements PlatformHandler {
    /** Vert.x's own starting size: no declared length allocates more up front than before. */
    private static final long PREALLOCATED_UP_TO = 1024;

    private final BodyHandler declared;
    private final BodyHandler growing;

    BodyBuffers(int maxBodyBytes) {
        this.declared = BodyHandler.create(false)
                .setBodyLimit(maxBodyBytes)
                .setHandleFileUploads(false)
                .setPreallocateBodyBuffer(true);
        this.growing = BodyHandler.create(false).setBodyLimit(maxBodyBytes).setHandleFileUploads(false);
    }

    @Override
    public void handle(RoutingContext ctx) {
        long length = declaredLength(ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH));
        (length >= 0 && length <= PREALLOCATED_UP_TO ? declared : growing).handle(ctx);
    }

    /** The declared Content-Length, or -1 when there is none or it is not a number (Vert.x then decides). */
    private static long declaredLength(String header) {
        if (header == null || header.isEmpty() || header.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
