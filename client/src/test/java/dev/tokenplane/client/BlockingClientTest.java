package dev.tokenplane.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenplane.client.support.Await;
import dev.tokenplane.client.support.Bms;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The blocking calls beside the asynchronous ones, against a real BMS: {@code tryAcquire} answers at once,
 * {@code acquire(key, n, timeout)} waits for the BMS's retry-after within the timeout, refusals are thrown as
 * themselves; and every decision and error reaches the event consumers.
 */
class BlockingClientTest {
    static Bms bms;
    static RateLimiterClient client;
    static final List<RateLimiterEvent> events = new CopyOnWriteArrayList<>();
    static final List<RateLimiterEvent.Denied> denials = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        bms = Bms.start();
        // slow refills, so that a busy machine's pauses between two calls do not refill the bucket
        bms.rule("bl", "{\"match\":\"bl:*\",\"capacity\":2,\"refillPerSecond\":0.5}");
        bms.rule("bls", "{\"match\":\"bls:*\",\"capacity\":2,\"refillPerSecond\":0.1}");
        // a generous timeout: the first decisions of a cold JVM (and a cold BMS in it) are slow on a busy machine
        client = RateLimiterClient.builder()
                .bmsUrls(bms.url())
                .onEvent(events::add)
                .timeout(Duration.ofSeconds(5))
                .attemptTimeout(Duration.ofSeconds(5))
                .build();
        client.eventPublisher().onDenied(denials::add);
    }

    @AfterAll
    static void stop() {
        client.close();
        bms.close();
    }

    @Test
    void shouldTryWithoutWaitingThenWaitForTheRetryAfterWithinTheTimeout() {
        // Given a bucket of 2 refilling at 0.5/s, emptied by two tries
        assertThat(client.tryAcquire("bl:a")).isTrue();
        assertThat(client.tryAcquire("bl:a", 1)).isTrue();

        // When a third try is made, and then a blocking acquire that may wait a second
        boolean third = client.tryAcquire("bl:a");
        Decision waited = client.acquire("bl:a", 1, Duration.ofSeconds(3));

        // Then the try is denied at once, and the blocking call waits (up to 2 s) and is granted
        assertThat(third).isFalse();
        assertThat(waited.granted()).isTrue();
        assertThat(waited.waitTime()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(3));
        // and the consumers saw every decision (on the client's event thread, just after), the denial with its
        // retry-after
        Await.until(
                () -> events.stream()
                                .filter(e -> e instanceof RateLimiterEvent.Granted)
                                .count()
                        >= 3,
                10_000);
        assertThat(events)
                .filteredOn(e -> e instanceof RateLimiterEvent.Granted)
                .hasSizeGreaterThanOrEqualTo(3);
        assertThat(denials).anySatisfy(d -> {
            assertThat(d.decision().key()).isEqualTo("bl:a");
            assertThat(d.decision().retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(2));
        });
    }

    @Test
    void shouldDenyWhenTheTokensCannotComeWithinTheTimeout() {
        // Given an empty bucket of 2 refilling at 0.1/s
        client.tryAcquire("bls:b", 2);

        // When 2 tokens are asked for with 100 ms to wait (they take 20 s to come)
        long start = System.nanoTime();
        Decision d = client.acquire("bls:b", 2, Duration.ofMillis(100));

        // Then the call does not wait for nothing: it is denied at once, with the time the tokens need
        assertThat(d.granted()).isFalse();
        assertThat(d.retryAfter()).isGreaterThan(Duration.ofMillis(100));
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_000);
    }

    @Test
    void shouldThrowTheBmsRefusalAsItselfAndTellTheConsumers() {
        assertThatThrownBy(() -> client.tryAcquire("zz-no-rule")).isInstanceOf(NoRuleException.class);
        assertThatThrownBy(() -> client.acquire("bl:c", 0, Duration.ZERO)).isInstanceOf(InvalidRequestException.class);
        Await.until(
                () -> events.stream().anyMatch(e -> e instanceof RateLimiterEvent.Failed f && "bl:c".equals(f.key())),
                10_000);
        assertThat(events)
                .filteredOn(e -> e instanceof RateLimiterEvent.Failed f && "zz-no-rule".equals(f.key()))
                .singleElement()
                .satisfies(
                        e -> assertThat(((RateLimiterEvent.Failed) e).error()).isInstanceOf(NoRuleException.class));
    }
}
