package dev.tokenplane.bms.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

/**
 * Answers the refused requests of a flooding client after a short hold instead of at once: the cheapest refusal is
 * the one the client does not send. A client that ignores {@code Retry-After} and sends its next request as soon as
 * it has the answer (one request after the other per connection, like most clients) can then make at most one
 * request per connection per hold, instead of as many as the member can parse, and the event loops stay free for
 * the other clients' decisions.
 *
 * <p>While a request is held, it is paused: its body stays in the socket, neither read nor decoded, and the
 * connection reads nothing more. When the hold is over the refusal is sent and the request resumed, so its body is
 * read and dropped and the keep-alive connection serves the next request. A hold never outlasts the refusal itself
 * (the client's {@code Retry-After}), nor {@link #MAX_HOLD_MS}. At most {@link #MAX_HELD} requests are held at once
 * (a timer and a paused connection each); past that, refusals are answered at once. Nothing is logged.
 *
 * <p>Runs on the event loop of the request; the timer fires on the same one. Never blocks.
 */
final class HeldRefusals {
    /** The longest a refusal is held. */
    static final long MAX_HOLD_MS = 1000;
    /** The most refusals held at once by one member. */
    static final int MAX_HELD = 10_000;

    private final AtomicInteger held = new AtomicInteger();

    /**
     * Refuses the request of {@code ctx}, due {@code waitMs} before its client is served again, with the error
     * {@code refusal} makes of the milliseconds left at the time of the answer.
     */
    void refuse(RoutingContext ctx, long waitMs, LongFunction<ErrorMapper.ApiError> refusal) {
        long hold = Math.min(waitMs, MAX_HOLD_MS);
        if (hold <= 0 || held.incrementAndGet() > MAX_HELD) {
            if (hold > 0) {
                held.decrementAndGet();
            }
            ErrorMapper.send(ctx, refusal.apply(waitMs));
            return;
        }
        HttpServerRequest request = ctx.request();
        request.pause();
        ctx.vertx().setTimer(hold, id -> {
            held.decrementAndGet();
            ErrorMapper.send(ctx, refusal.apply(waitMs - hold));
            request.resume();
        });
    }

    /** Requests held now (for tests and metrics). */
    int held() {
        return held.get();
    }
}
