package dev.tokenplane.bms.wire;

import io.vertx.core.Vertx;
import java.util.function.LongConsumer;

/**
 * Ends a decision connection that has been idle for the idle timeout ({@code BMS_HTTP_IDLE_TIMEOUT_MS}) with a
 * goodbye, rather than closing it silently as the server's own idle timeout did: an {@code ERROR} with id 0, status
 * 408 and code {@value #CODE}, sent only when every request read on the connection has been answered, after which
 * nothing more is read. A request the client sent that has no answer before the goodbye was therefore never read, and
 * can be sent again on a new connection (the SDK does, once); over a silent close, the client could not tell.
 *
 * <p>Checks every quarter of the timeout (a timer on the connection's event loop), so a connection ends between one and
 * one and a quarter timeouts after its last frame or answer. Not thread-safe: the connection's event loop uses it.
 */
final class IdleClose {
    /** The code of the goodbye. */
    static final String CODE = "idle_timeout";

    private final Vertx vertx;
    private final long idleMs;
    private final LongConsumer onIdle;
    private final long timer;
    private long lastActiveNanos = System.nanoTime();

    /** {@code idleMs} 0: never idle. {@code onIdle} is given the timeout, and decides whether to close. */
    IdleClose(Vertx vertx, long idleMs, LongConsumer onIdle) {
        this.vertx = vertx;
        this.idleMs = idleMs;
        this.onIdle = onIdle;
        this.timer = idleMs > 0 ? vertx.setPeriodic(Math.max(1, idleMs / 4), id -> check()) : -1;
    }

    /** Something was read or answered. */
    void touch() {
        lastActiveNanos = System.nanoTime();
    }

    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void check() {
        if (System.nanoTime() - lastActiveNanos >= idleMs * 1_000_000) {
            onIdle.accept(idleMs);
        }
    }
}
