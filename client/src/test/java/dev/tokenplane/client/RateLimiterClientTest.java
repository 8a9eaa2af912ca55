package dev.tokenplane.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenplane.client.internal.DefaultRateLimiterClient;
import dev.tokenplane.client.support.Await;
import dev.tokenplane.client.support.Bms;
import dev.tokenplane.store.FakeClock;
import dev.tokenplane.store.Priority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against a real BMS on loopback: decisions, errors, batches, failover, leases and delay mode. */
class RateLimiterClientTest {
    static Bms bms;
    static SimpleMeterRegistry registry = new SimpleMeterRegistry();
    static RateLimiterClient client;

    @BeforeAll
    static void start() throws Exception {
        bms = Bms.start();
        bms.rule("ct", "{\"match\":\"ct:*\",\"capacity\":5,\"refillPerSecond\":0.5}");
        bms.rule("ct-lease", "{\"match\":\"ctl:*\",\"capacity\":100,\"refillPerSecond\":0.001}");
        bms.rule("ct-delay", "{\"match\":\"ctd:*\",\"capacity\":2,\"refillPerSecond\":2}");
        bms.rule("ct-queue", "{\"match\":\"ctq:*\",\"capacity\":2,\"refillPerSecond\":10}");
        bms.rule(
                "ct-priority",
                "{\"match\":\"ctp:*\",\"capacity\":10,\"refillPerSecond\":0.001,"
                        + "\"priorityReserves\":{\"high\":0.1,\"normal\":0.2,\"low\":0.4}}");
        // a generous timeout: the first decisions of a cold JVM (and a cold BMS in it) are slow on a busy machine
        client = RateLimiterClient.builder()
                .bmsUrls(bms.url())
                .meterRegistry(registry)
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
    void shouldGrantUntilTheBucketIsEmptyThenDenyWithRetryAfter() {
        // Given a bucket of 5 refilling at 0.5/s
        Decision first = client.acquireAsync("ct:a", 4).toCompletableFuture().join();
        Decision last = client.acquireAsync("ct:a").toCompletableFuture().join();

        // When one more token is asked for
        Decision denied = client.acquireAsync("ct:a").toCompletableFuture().join();

        // Then the BMS denies it with the time until a token is back (2 s at 0.5/s, less what has refilled)
        assertThat(first)
                .extracting(
                        Decision::granted,
                        Decision::tokens,
                        Decision::remaining,
                        Decision::capacity,
                        Decision::ruleId,
                        Decision::source)
                .containsExactly(true, 4L, 1L, 5L, "ct", DecisionSource.BMS);
        assertThat(first.refillPerSecond()).isEqualTo(0.5);
        assertThat(last.granted()).isTrue();
        assertThat(denied.granted()).isFalse();
        assertThat(denied.retryAfterMs()).isBetween(1L, 2_000L);
        assertThat(denied.source()).isEqualTo(DecisionSource.BMS);
        assertThat(registry.counter("tokenplane.client.decisions", "outcome", "denied", "source", "bms")
                        .count())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void shouldSendThePriorityOfSingleAndBatchedRequests() {
        // Given a bucket of 10 with the rule's reserves (low 4, normal 2, high 1 token) and 4 tokens left
        assertThat(client.acquire("ctp:a", 6, Duration.ZERO, Priority.CRITICAL).granted())
                .isTrue();

        // Then low (1 + 4) and normal (3 + 2) are denied, high takes 3 (3 + 1), and the last token is critical's
        assertThat(client.acquireAsync("ctp:a", 1, Duration.ZERO, Priority.LOW)
                        .toCompletableFuture()
                        .join()
                        .granted())
                .isFalse();
        assertThat(client.acquireAsync("ctp:a", 3).toCompletableFuture().join().granted())
                .isFalse();
        assertThat(client.acquireAsync("ctp:a", 3, Duration.ZERO, Priority.HIGH)
                        .toCompletableFuture()
                        .join()
                        .granted())
                .isTrue();
        List<BatchResult> batch = client.acquireBatchAsync(List.of(
                        AcquireRequest.of("ctp:a").withPriority(Priority.HIGH),
                        AcquireRequest.of("ctp:a").withPriority(Priority.CRITICAL)))
                .toCompletableFuture()
                .join();
        assertThat(batch)
                .extracting(r -> ((BatchResult.Decided) r).decision().granted())
                .containsExactly(false, true);
        assertThat(((BatchResult.Decided) batch.get(1)).decision().remaining()).isZero();
    }

    @Test
    void shouldFailWithNoRuleExceptionForAKeyNoRuleServes() {
        assertThatThrownBy(() ->
                        client.acquireAsync("zz-nothing").toCompletableFuture().join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOf(NoRuleException.class)
                .hasMessageContaining("zz-nothing")
                .extracting(e -> ((RateLimitException) e).code())
                .isEqualTo("no_rule");
    }

    @Test
    void shouldSurfaceTheBmsValidationErrorsAsTypedExceptions() {
        // more than the capacity, and a key the BMS refuses (whitespace), come back from the BMS as 400 validation
        assertThatThrownBy(() ->
                        client.acquireAsync("ct:big", 6).toCompletableFuture().join())
                .cause()
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("capacity 5")
                .extracting(e -> ((RateLimitException) e).code())
                .isEqualTo("validation");
        assertThatThrownBy(() ->
                        client.acquireAsync("ct:a b").toCompletableFuture().join())
                .cause()
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("whitespace");
        // what the client can tell alone never leaves it
        assertThatThrownBy(() ->
                        client.acquireAsync("ct:a", 0).toCompletableFuture().join())
                .cause()
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("tokens must be >= 1");
        assertThatThrownBy(() -> client.acquireAsync("k".repeat(257))
                        .toCompletableFuture()
                        .join())
                .cause()
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("1..256");
    }

    @Test
    void shouldDecideABatchInOneHttpCallWithItemErrorsInPlace() {
        // Given a batch of 40 decisions, one for a key with no rule and one asking for too much
        List<AcquireRequest> requests = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            requests.add(AcquireRequest.of("ct:batch-" + (i % 20)));
        }
        requests.set(7, AcquireRequest.of("zz-batch-none"));
        requests.set(9, AcquireRequest.of("ct:batch-big", 6));
        double httpCallsBefore = bms.metric("bms_decision_latency_seconds_count");

        // When it is sent
        List<BatchResult> results =
                client.acquireBatchAsync(requests).toCompletableFuture().join();

        // Then the BMS saw one decision request, and the results are in request order
        assertThat(bms.metric("bms_decision_latency_seconds_count") - httpCallsBefore)
                .isEqualTo(1.0);
        assertThat(results).hasSize(40);
        for (int i = 0; i < 40; i++) {
            assertThat(results.get(i).key()).isEqualTo(requests.get(i).key());
        }
        assertThat(((BatchResult.Failed) results.get(7)).error()).isInstanceOf(NoRuleException.class);
        assertThat(((BatchResult.Failed) results.get(9)).error()).isInstanceOf(InvalidRequestException.class);
        assertThat(results.stream()
                        .filter(r -> r instanceof BatchResult.Decided d
                                && d.decision().granted()))
                .hasSize(38);
    }

    @Test
    void shouldSplitABatchTooBigForOneBmsRequestAndKeepTheOrder() {
        // Given 1200 items with 200-character keys: over the BMS's 1000 items and 64 KiB per request
        List<AcquireRequest> requests = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            requests.add(AcquireRequest.of("ct:" + String.format("%0197d", i)));
        }
        double httpCallsBefore = bms.metric("bms_decision_latency_seconds_count");

        List<BatchResult> results =
                client.acquireBatchAsync(requests).toCompletableFuture().join();

        // Then it went in several requests, none refused, and the answers are in request order
        assertThat(bms.metric("bms_decision_latency_seconds_count") - httpCallsBefore)
                .isBetween(2.0, 20.0);
        assertThat(results)
                .hasSize(1200)
                .allMatch(
                        r -> r instanceof BatchResult.Decided d && d.decision().granted());
        for (int i = 0; i < 1200; i++) {
            assertThat(results.get(i).key()).isEqualTo(requests.get(i).key());
        }
    }

    @Test
    void shouldFailOverToTheNextUrlWhenTheFirstRefuses() throws Exception {
        // Given a first URL where nothing listens
        try (RateLimiterClient failover = RateLimiterClient.builder()
                .bmsUrls("http://127.0.0.1:" + Bms.freePort(), bms.url())
                .build()) {
            // When it decides twice
            Decision first =
                    failover.acquireAsync("ct:failover").toCompletableFuture().join();
            Decision second =
                    failover.acquireAsync("ct:failover").toCompletableFuture().join();

            // Then both come from the BMS at the second URL, and the client never fell back
            assertThat(first.source()).isEqualTo(DecisionSource.BMS);
            assertThat(second.source()).isEqualTo(DecisionSource.BMS);
            assertThat(failover.inFallback()).isFalse();
        }
    }

    @Test
    void shouldServeLeasedKeysLocallyAndGiveUnusedTokensBackWhenTheLeaseEnds() {
        // Given a leasing client on a fake clock, and a bucket of 100 that barely refills
        FakeClock clock = new FakeClock();
        try (RateLimiterClient leasing = RateLimiterClient.builder()
                .bmsUrls(bms.url())
                .clock(clock)
                .leases(key -> key.startsWith("ctl:"))
                .leaseDuration(Duration.ofSeconds(1))
                .leaseMaxShare(0.5)
                .build()) {
            double callsBefore = bms.metric("bms_decision_latency_seconds_count");

            // When 30 requests come one after another
            List<Decision> decisions = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                decisions.add(
                        leasing.acquireAsync("ctl:a").toCompletableFuture().join());
            }
            long calls = Math.round(bms.metric("bms_decision_latency_seconds_count") - callsBefore);
            long heldAtBms = 100 - bms.tokens("ctl:a");
            long held = ((DefaultRateLimiterClient) leasing).leaseTokensHeld();

            // Then all are granted, most from the lease, with a handful of calls to the BMS
            assertThat(decisions).allMatch(Decision::granted);
            assertThat(decisions.stream()
                            .filter(d -> d.source() == DecisionSource.LEASE)
                            .count())
                    .isGreaterThanOrEqualTo(25);
            assertThat(calls).isBetween(1L, 5L);
            // and the bucket gave exactly what was used plus what the lease still holds
            assertThat(heldAtBms).isEqualTo(30 + held);
            assertThat(held).isPositive();

            // When the lease ends
            clock.advance(1_000);
            long given = ((DefaultRateLimiterClient) leasing).expireLeases();

            // Then its unused tokens are back in the bucket
            assertThat(given).isEqualTo(held);
            Await.until(() -> bms.tokens("ctl:a") == 70, 5_000);
            assertThat(((DefaultRateLimiterClient) leasing).leaseTokensHeld()).isZero();
        }
    }

    @Test
    void shouldHoldARequestInDelayModeUntilItsReservationIsDue() {
        // Given an empty bucket of 2 refilling at 2/s
        client.acquireAsync("ctd:a", 2).toCompletableFuture().join();

        // When a request for 2 may wait up to 2 s
        long start = System.nanoTime();
        Decision d = client.acquireAsync("ctd:a", 2, Duration.ofSeconds(2))
                .toCompletableFuture()
                .join();
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        // Then the BMS reserved its tokens (due in at most 1 s, less the time since the bucket was emptied, which a
        // loaded machine stretches) and the client held the request until then: the wait starts after the request
        // left, so the whole call takes at least the wait
        assertThat(d.granted()).isTrue();
        assertThat(d.waitMs()).isBetween(1L, 1_000L);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(d.waitMs() - 1);
    }

    @Test
    void shouldAnswerAtOnceWhenTheDelayQueueIsFull() {
        try (RateLimiterClient noQueue = RateLimiterClient.builder()
                .bmsUrls(bms.url())
                .delayQueueCapacity(0)
                .build()) {
            noQueue.acquireAsync("ctd:b", 2).toCompletableFuture().join();

            Decision d = noQueue.acquireAsync("ctd:b", 2, Duration.ofSeconds(2))
                    .toCompletableFuture()
                    .join();

            assertThat(d.granted()).isFalse();
            assertThat(d.retryAfterMs()).isBetween(1L, 1_000L);
        }
    }

    @Test
    void shouldResendADenialThatCanSucceedWithinTheWait() {
        // Given leased requests, which the client delays itself (a lease renewal never reserves at the BMS)
        try (RateLimiterClient leasing = RateLimiterClient.builder()
                .bmsUrls(bms.url())
                .leases(key -> key.startsWith("ctq:"))
                .build()) {
            leasing.acquireAsync("ctq:c", 2).toCompletableFuture().join();

            // When three requests that cannot all be granted now may wait up to 2 s
            List<CompletableFuture<Decision>> waiting = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                waiting.add(
                        leasing.acquireAsync("ctq:c", 1, Duration.ofSeconds(2)).toCompletableFuture());
            }

            // Then each is granted after waiting for its token
            assertThat(waiting.stream().map(CompletableFuture::join)).allMatch(Decision::granted);
            assertThat(waiting.stream().mapToLong(f -> f.join().waitMs()).max().orElse(0))
                    .isPositive();
        }
    }
}
