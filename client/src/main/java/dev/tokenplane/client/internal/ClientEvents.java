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
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The client's {@link RateLimiterEventPublisher}, and the one place that makes its events. Thread-safe. */
public final class ClientEvents implements RateLimiterEventPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(ClientEvents.class);

    private final InstantSource clock;
    private final List<Consumer<? super RateLimiterEvent>> consumers = new CopyOnWriteArrayList<>();

    public ClientEvents(InstantSource clock) {
        this.clock = clock;
    }

    @Override
    public RateLimiterEventPublisher onEvent(Consumer<? super RateLimiterEvent> consumer) {
        consumers.add(Objects.requireNonNull(consumer, "consumer"));
        return this;
    }

    void decision(Decision d) {
        if (!consumers.isEmpty()) {
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
        if (!consumers.isEmpty()) {
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
