package dev.tokenplane.bms.http;

import dev.tokenplane.bms.audit.AuditSink;
import dev.tokenplane.bms.config.ConfigRecord;
import dev.tokenplane.bms.config.ConfigWrite;
import dev.tokenplane.runtime.http.MalformedBodies;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * One audit record per admin write. The router attaches {@link #attach} to every route of {@link Access#ADMIN} that is
 * not a read, so a new write route cannot go unaudited; the handler adds what only it knows, the versions
 * ({@link #versions}). The record is made when the answer has been sent, with its status: refused and failed writes
 * are recorded too, and a write whose client went away before the answer with {@link #CLIENT_CLOSED}. A client that
 * leaves while its write is being applied does not stop the write, so that record waits for the write to finish
 * ({@link #applying}) and carries its versions: the audit then shows what was changed, not only that nobody heard.
 */
public final class AuditTrail {
    private static final String BEFORE = "tp.audit.before";
    private static final String AFTER = "tp.audit.after";
    private static final String APPLYING = "tp.audit.applying";

    /**
     * The status recorded for a write whose client closed the connection before it was answered (the status nginx logs
     * for the same, "client closed request"): never a success, whether or not the write had been applied.
     */
    private static final int CLIENT_CLOSED = 499;

    private AuditTrail() {}

    /**
     * Notes the versions of the object {@code write} touched: before, the live version (null when there was none);
     * after, the live version (null once deleted).
     */
    public static void versions(RoutingContext ctx, ConfigWrite write) {
        ConfigRecord r = write.record();
        Long version = r == null ? null : r.version();
        Long before;
        Long after;
        switch (write.outcome()) {
            case CREATED -> {
                before = null;
                after = version;
            }
            case REPLACED -> {
                before = version - 1;
                after = version;
            }
            case DELETED -> {
                before = version - 1;
                after = null;
            }
            default -> { // nothing changed: UNCHANGED, CONFLICT, NOT_FOUND
                before = r == null || r.deleted() ? null : version;
                after = before;
            }
        }
        ctx.put(BEFORE, before);
        ctx.put(AFTER, after);
    }

    /**
     * Notes that {@code write}, the route's whole write (up to what it answers), is under way, so that a client leaving
     * before it ends does not have its record made before the versions are known; returns {@code write}.
     */
    public static <T> Future<T> applying(RoutingContext ctx, Future<T> write) {
        ctx.put(APPLYING, write);
        return write;
    }

    /**
     * The status to record: the one answered, or {@link #CLIENT_CLOSED} when the connection closed before any answer.
     * Vert.x Web ends the request failed when its response is closed or fails before it ends, and the response's status
     * is then only its default, 200, though nothing was answered (and, for a client that left in the middle of its body,
     * nothing applied).
     */
    private static int status(RoutingContext ctx, AsyncResult<Void> done) {
        if (done.succeeded() || ctx.response().headWritten()) {
            return ctx.response().getStatusCode();
        }
        // a malformed body ends the request (failed) just before ErrorMapper answers it 400
        return done.cause() instanceof MalformedBodies.MalformedBodyException ? 400 : CLIENT_CLOSED;
    }

    /**
     * Records the request of {@code caller} on {@code route} once its answer has been sent, or, when its client left
     * first, once its write (if one was under way) has finished.
     */
    static void attach(RoutingContext ctx, AuditSink sink, Caller caller, String route) {
        ctx.addEndHandler(done -> {
            int status = status(ctx, done);
            Future<?> write = ctx.get(APPLYING);
            if (status == CLIENT_CLOSED && write != null && !write.isComplete()) {
                write.onComplete(finished -> record(ctx, sink, caller, route, status));
            } else {
                record(ctx, sink, caller, route, status);
            }
        });
    }

    private static void record(RoutingContext ctx, AuditSink sink, Caller caller, String route, int status) {
        RequestIds.withMdc(
                ctx,
                () -> { // the audit line carries the request's id
                    Map<String, String> params = ctx.pathParams();
                    String object =
                            params.isEmpty() ? null : params.values().iterator().next();
                    sink.record(
                            caller.name(),
                            ctx.request().method().name(),
                            ctx.request().path(),
                            route,
                            object,
                            status,
                            ctx.get(BEFORE),
                            ctx.get(AFTER));
                });
    }
}
