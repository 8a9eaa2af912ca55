package dev.tokenplane.bms.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * Reads a request's body (up to the limit: 413 past it) into a buffer sized for it, for the routes that take their body
 * through Vert.x Web's body handler (the single acquire reads its own: {@link SmallBody}). That handler starts every
 * body at 1 KiB whatever its {@code Content-Length}, while most bodies here (leases, rule and override writes, small
 * batches) are far smaller. A body that declares at most 1 KiB gets a buffer of its declared length; a larger or
 * chunked one starts at 1 KiB and grows with what arrives, as before, so a request that declares a large body and
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
        long length = SmallBody.contentLength(ctx.request());
        (length >= 0 && length <= PREALLOCATED_UP_TO ? declared : growing).handle(ctx);
    }
}
