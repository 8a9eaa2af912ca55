package dev.tokenplane.client.internal;

import dev.tokenplane.client.Decision;
import dev.tokenplane.client.FallbackPolicy;
import dev.tokenplane.client.RateLimiterEvent;
import dev.tokenplane.client.RateLimiterEventPublisher;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's {@link RateLimiterEventPublisher}, and the one place that makes its events. The user's consumers get
 * them through an {@link EventDelivery}, off the thread that made them (so that a slow consumer delays no decision);
 * the client's own {@link ClientMetrics} counts them there and then ({@link #onEventInline}). Thread-safe.
 */
public final class ClientEvents implements RateLimiterEventPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(ClientEvents.class);

    private final InstantSource clock;
    /** The user's, called by {@link #delivery}. */
    private final List<Consumer<? super RateLimiterEvent>> consumers = new CopyOnWriteArrayList<>();
    /** The client's own, short and never blocking: called on the thread that made the event. */
    private final List<Consumer<? super RateLimiterEvent>> inline = new CopyOnWriteArrayList<>();

    private final EventDelivery delivery;

    /** Events delivered on the client's own event thread. */
    public ClientEvents(InstantSource clock) {
        this(clock, null);
    }

    /** Events delivered on {@code executor}, or on the client's own event thread when it is null. */
    public ClientEvents(InstantSource clock, Executor executor) {
        this.clock = clock;
        this.delivery = new EventDelivery(this::deliver, executor, EventDelivery.CAPACITY);
    }

    @Override
    public RateLimiterEventPublisher onEvent(Consumer<? super RateLimiterEvent> consumer) {
        consumers.add(Objects.requireNonNull(consumer, "consumer"));
        return this;
    }

    /** Subscribes one of the client's own consumers, called on the thread that made each event: it must be quick. */
    void onEventInline(Consumer<? super RateLimiterEvent> consumer) {
        inline.add(Objects.requireNonNull(consumer, "consumer"));
    }

    /** Events the user's consumers did not get: they fell behind by more than the queue holds, or the client closed. */
    long dropped() {
        return delivery.dropped();
    }

    /** Delivers what is queued (waiting up to {@code wait}), then stops the event thread; later events are dropped. */
    void close(Duration wait) {
        delivery.close(wait);
    }

    void decision(Decision d) {
        if (!consumers.isEmpty() || !inline.isEmpty()) {
            Instant now = clock.instant();
            publish(d.granted() ? new RateLimiterEvent.Granted(now, d) : new RateLimiterEvent.Denied(now, d));
        }
    }

    void fallbackEntered(FallbackPolicy policy) {
        publish(new RateLimiterEvent.FallbackEntered(clock.instant(), policy));
    }

    void fallbackExited(long downMs) {
        publish(new RateLimiterEvent.FallbackExited(clock.instant(), Duration.ofMillis(downMs)));
    }

    void failed(String key, Throwable error) {
        publish(new RateLimiterEvent.Failed(clock.instant(), key, error));
    }

    void retried() {
        if (!consumers.isEmpty() || !inline.isEmpty()) {
            publish(new RateLimiterEvent.Retried(clock.instant()));
        }
    }

    void leaseRenewed(String key, long tokens) {
        publish(new RateLimiterEvent.LeaseRenewed(clock.instant(), key, tokens));
    }

    void leaseEnded(String key, long tokens, boolean returned) {
        publish(new RateLimiterEvent.LeaseEnded(clock.instant(), key, tokens, returned));
    }

    private void publish(RateLimiterEvent event) {
        call(inline, event);
        if (!consumers.isEmpty()) {
            delivery.offer(event);
        }
    }

    /** On the delivery's drain: the user's consumers, in the order they subscribed. */
    private void deliver(RateLimiterEvent event) {
        call(consumers, event);
    }

    private static void call(List<Consumer<? super RateLimiterEvent>> consumers, RateLimiterEvent event) {
        for (Consumer<? super RateLimiterEvent> c : consumers) {
            try {
                c.accept(event);
            } catch (RuntimeException e) {
                LOG.warn(
                        "A rate limiter event consumer failed on {}",
                        event.getClass().getSimpleName(),
                        e);
            }
        }
    }
}
