package dev.tokenplane.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenplane.client.support.Bms;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link RateLimiterClient#acquireAll} against a real BMS: all or nothing. */
class AtomicClientTest {
    static Bms bms;
    static RateLimiterClient client;

    @BeforeAll
    static void start() throws Exception {
        bms = Bms.start();
        bms.rule("ac-user", "{\"match\":\"ac-user:*\",\"capacity\":1,\"refillPerSecond\":0.001}");
        bms.rule("ac-ip", "{\"match\":\"ac-ip:*\",\"capacity\":5,\"refillPerSecond\":0.001}");
        client = RateLimiterClient.builder()
                .bmsUrls(bms.url())
                .timeout(Duration.ofSeconds(5))
                .attemptTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        bms.close();
    }

    @Test
    void shouldGrantEveryRequestOrTakeNothing() {
        List<AcquireRequest> login = List.of(AcquireRequest.of("ac-user:alice"), AcquireRequest.of("ac-ip:1.2.3.4"));

        AllResult first =
                client.acquireAllAsync(login, true).toCompletableFuture().join();
        AllResult second =
                client.acquireAllAsync(login, true).toCompletableFuture().join();

        assertThat(first.granted()).isTrue();
        assertThat(first.decisions()).allMatch(Decision::granted);
        assertThat(second.granted()).isFalse();
        assertThat(second.decisions()).noneMatch(Decision::granted);
        assertThat(second.retryAfterMs()).isGreaterThan(900_000);
        assertThat(bms.tokens("ac-ip:1.2.3.4")).isEqualTo(4);
        // not atomic: the same calls, answered item by item, and the IP bucket pays for the denied user
        AllResult plain =
                client.acquireAllAsync(login, false).toCompletableFuture().join();
        assertThat(plain.granted()).isFalse();
        assertThat(plain.decisions().get(1).granted()).isTrue();
        assertThat(bms.tokens("ac-ip:1.2.3.4")).isEqualTo(3);
    }

    @Test
    void shouldFailAWholeAtomicBatchWithAnInvalidItem() {
        assertThatThrownBy(() -> client.acquireAllAsync(
                                List.of(AcquireRequest.of("ac-ip:9.9.9.9"), AcquireRequest.of("ac-user:bob", 2)), true)
                        .toCompletableFuture()
                        .join())
                .hasCauseInstanceOf(InvalidRequestException.class);
        assertThat(bms.tokens("ac-ip:9.9.9.9")).isEqualTo(5);
    }
}
