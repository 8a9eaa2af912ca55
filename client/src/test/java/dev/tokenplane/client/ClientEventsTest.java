package dev.tokenplane.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.client.support.Await;
import dev.tokenplane.client.support.Bms;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The events of an outage, from a real client: a BMS URL where nothing listens yet gives retries, the switch to the
 * fallback and its decisions; a BMS started on that port ends the outage, and the next decision is the BMS's.
 */
class ClientEventsTest {

    @Test
    void shouldTellOfRetriesTheFallbackItsDecisionsAndTheRecovery() throws Exception {
        // Given a client of a BMS URL where nothing listens yet, failing open
        int port = Bms.freePort();
        List<RateLimiterEvent> events = new CopyOnWriteArrayList<>();
        List<RateLimiterEvent.FallbackExited> recoveries = new CopyOnWriteArrayList<>();
        try (RateLimiterClient client = RateLimiterClient.builder()
                .bmsUrls("http://127.0.0.1:" + port)
                .fallbackPolicy(FallbackPolicy.FAIL_OPEN)
                // a generous timeout for the first decisions of a cold BMS; refused connections fail over at once
                .timeout(Duration.ofSeconds(5))
                .attemptTimeout(Duration.ofSeconds(5))
                .probeBackoff(Backoff.ofMillis(50, 200))
                .random(new Random(3))
                .onEvent(events::add)
                .build()) {
            client.eventPublisher().onFallbackExited(recoveries::add);

            // When it asks for a token
            Decision open = client.acquireAsync("ev:a").toCompletableFuture().join();

            // Then the refused connections were retried, the client fell back, and the fallback granted it (events
            // reach the consumers on the client's event thread, just after)
            assertThat(open.source()).isEqualTo(DecisionSource.FAIL_OPEN);
            Await.until(() -> events.stream().anyMatch(e -> e instanceof RateLimiterEvent.Granted), 10_000);
            assertThat(events).anyMatch(e -> e instanceof RateLimiterEvent.Retried);
            assertThat(events)
                    .filteredOn(e -> e instanceof RateLimiterEvent.FallbackEntered)
                    .singleElement()
                    .satisfies(e -> assertThat(((RateLimiterEvent.FallbackEntered) e).policy())
                            .isEqualTo(FallbackPolicy.FAIL_OPEN));
            assertThat(events)
                    .filteredOn(e -> e instanceof RateLimiterEvent.Granted)
                    .singleElement()
                    .satisfies(e -> assertThat(
                                    ((RateLimiterEvent.Granted) e).decision().source())
                            .isEqualTo(DecisionSource.FAIL_OPEN));

            // When a BMS starts on that port
            try (Bms bms = Bms.start(Map.of("BMS_PORT", Integer.toString(port)))) {
                bms.rule("ev", "{\"match\":\"ev:*\",\"capacity\":5,\"refillPerSecond\":1}");

                // Then a probe finds it, the outage ends with its length, and the BMS decides again
                Await.until(() -> !recoveries.isEmpty(), 30_000);
                assertThat(recoveries.get(0).downFor()).isPositive();
                assertThat(client.acquireAsync("ev:a")
                                .toCompletableFuture()
                                .join()
                                .source())
                        .isEqualTo(DecisionSource.BMS);
            }
        }
    }
}
