package dev.tokenplane.client;

import java.util.function.Consumer;

/**
 * Subscribes consumers to a client's {@link RateLimiterEvent}s, after resilience4j's {@code EventPublisher}:
 *
 * <pre>{@code
 * client.eventPublisher()
 *         .onDenied(e -> log.info("denied {} for {}", e.decision().key(), e.decision().retryAfter()))
 *         .onFallbackEntered(e -> alerts.raise("rate limiting is deciding locally"));
 * }</pre>
 *
 * Consumers never run on the thread that made the event (an HTTP client thread, the decision connection's reader
 * thread, the client's timer, or the caller's): that thread only adds the event to a bounded queue (8,192 events), and
 * the consumers get the queued events one at a time, in the order they happened (each after the call that made it has
 * answered), on the {@link RateLimiterClientBuilder#callbackExecutor} when there is one, else on the client's own
 * daemon thread {@code tokenplane-client-events} (stopped by {@link RateLimiterClient#close()}, which first waits up to
 * a second for the queued events). A consumer that blocks holds the events behind it, never a decision; when the
 * consumers fall behind by more than the queue holds, the newest events are dropped, counted in the meter
 * {@code tokenplane.client.events.dropped} and logged. One that throws is logged and does not stop the others.
 */
public interface RateLimiterEventPublisher {

    /** Every event. */
    RateLimiterEventPublisher onEvent(Consumer<? super RateLimiterEvent> consumer);

    default RateLimiterEventPublisher onGranted(Consumer<RateLimiterEvent.Granted> consumer) {
        return on(RateLimiterEvent.Granted.class, consumer);
    }

    default RateLimiterEventPublisher onDenied(Consumer<RateLimiterEvent.Denied> consumer) {
        return on(RateLimiterEvent.Denied.class, consumer);
    }

    default RateLimiterEventPublisher onFallbackEntered(Consumer<RateLimiterEvent.FallbackEntered> consumer) {
        return on(RateLimiterEvent.FallbackEntered.class, consumer);
    }

    default RateLimiterEventPublisher onFallbackExited(Consumer<RateLimiterEvent.FallbackExited> consumer) {
        return on(RateLimiterEvent.FallbackExited.class, consumer);
    }

    default RateLimiterEventPublisher onFailed(Consumer<RateLimiterEvent.Failed> consumer) {
        return on(RateLimiterEvent.Failed.class, consumer);
    }

    default RateLimiterEventPublisher onLeaseRenewed(Consumer<RateLimiterEvent.LeaseRenewed> consumer) {
        return on(RateLimiterEvent.LeaseRenewed.class, consumer);
    }

    default RateLimiterEventPublisher onLeaseEnded(Consumer<RateLimiterEvent.LeaseEnded> consumer) {
        return on(RateLimiterEvent.LeaseEnded.class, consumer);
    }

    /** The events of one type. */
    default <E extends RateLimiterEvent> RateLimiterEventPublisher on(Class<E> type, Consumer<? super E> consumer) {
        return onEvent(e -> {
            if (type.isInstance(e)) {
                consumer.accept(type.cast(e));
            }
        });
    }
}
