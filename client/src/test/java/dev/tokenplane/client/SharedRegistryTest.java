package dev.tokenplane.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.client.support.Bms;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two clients of one meter registry: the meters they both feed show the sum of the open clients, and the
 * dropped-events counter keeps what a closed client counted. (Micrometer keeps the first meter registered under a
 * name, so the second client's drops went uncounted and the first client's close removed the second's gauges.)
 */
class SharedRegistryTest {
    /** The client's event queue. */
    private static final int QUEUE = 8_192;

    @Test
    void shouldCountEveryClientsDroppedEventsAndKeepTheGaugesOfTheClientStillOpen() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CountDownLatch release = new CountDownLatch(1);
        RateLimiterClient first = blockedClient(registry, release);
        RateLimiterClient second = blockedClient(registry, release);
        try {
            dropEvents(first, 10);
            dropEvents(second, 7);
            assertThat(dropped(registry)).isEqualTo(17.0);

            first.close();
            assertThat(dropped(registry)).isEqualTo(17.0);
            assertThat(registry.find("tokenplane.client.delay.queue").gauge()).isNotNull();
            assertThat(registry.find("tokenplane.client.connections").gauge()).isNotNull();
        } finally {
            release.countDown();
            first.close();
            second.close();
        }
        assertThat(registry.find("tokenplane.client.delay.queue").gauge()).isNull();
        assertThat(registry.find("tokenplane.client.events.dropped").functionCounter())
                .isNull();
    }

    /** A client whose event consumer holds the first event until {@code release}: later events queue, then drop. */
    private static RateLimiterClient blockedClient(SimpleMeterRegistry registry, CountDownLatch release)
            throws IOException {
        return RateLimiterClient.builder()
                .bmsUrls("http://127.0.0.1:" + Bms.freePort()) // not needed: invalid calls fail on the caller
                .meterRegistry(registry)
                .onEvent(e -> {
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                    }
                })
                .build();
    }

    /** Makes {@code n} more events than the client's consumer and queue can hold (the consumer holds one). */
    private static void dropEvents(RateLimiterClient client, int n) {
        for (int i = 0; i < 1 + QUEUE + n; i++) {
            client.acquireAsync("drop-" + i, 0); // invalid: fails at once, with an event
        }
    }

    private static double dropped(SimpleMeterRegistry registry) {
        return registry.get("tokenplane.client.events.dropped")
                .functionCounter()
                .count();
    }
}
