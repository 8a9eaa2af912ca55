package dev.tokenplane.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.client.support.Await;
import dev.tokenplane.client.support.Bms;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where the user's event consumers run, against a real BMS (HTTP and its binary decision port): never on the client's
 * threads that read answers (the decision connection's reader, the HTTP client's threads, the timer), so a consumer
 * that blocks delays no decision; in the order the events happened, on the client's own event thread or on the
 * callback executor; with the newest events dropped and counted when the consumers fall behind by more than the
 * queue holds; and the event thread ends with the client.
 */
class EventConsumerThreadsTest {
    /** The names of the client's threads that make events: no consumer may run on them. */
    static final List<String> CLIENT_IO_THREADS =
            List.of("tokenplane-decision-reader", "tokenplane-client-http", "tokenplane-client-timer");

    static Bms bms;

    @BeforeAll
    static void start() throws Exception {
        bms = Bms.start(Map.of("BMS_DECISION_PORT", "0", "BMS_REQUEST_TIMEOUT_MS", "20000"));
        bms.rule("evb", "{\"match\":\"evb:*\",\"capacity\":100,\"refillPerSecond\":0.001}");
        bms.rule("evo", "{\"match\":\"evo:*\",\"capacity\":5,\"refillPerSecond\":0.001}");
    }

    @AfterAll
    static void stop() {
        bms.close();
    }

    @Test
    void shouldAnswerOtherCallersOnTheDecisionConnectionWhileAConsumerBlocks() throws Exception {
        // Given a client on the binary decision port (its HTTP URL has nothing behind it) whose consumer blocks on the
        // first event it gets
        CountDownLatch blocking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<RateLimiterEvent> events = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        try (RateLimiterClient client = RateLimiterClient.builder()
                .bmsUrls("http://127.0.0.1:" + Bms.freePort())
                .decisionEndpoint("127.0.0.1", bms.decisionPort())
                // generous: a cold BMS is slow on a busy machine; an answer held by a consumer would take all of it
                .timeout(Duration.ofSeconds(30))
                .attemptTimeout(Duration.ofSeconds(30))
                .onEvent(e -> {
                    threads.add(Thread.currentThread().getName());
                    blocking.countDown();
                    awaitQuietly(release);
                    events.add(e);
                })
                .build()) {
            try {
                Decision first =
                        client.acquireAsync("evb:first").toCompletableFuture().get(60, TimeUnit.SECONDS);
                assertThat(blocking.await(60, TimeUnit.SECONDS)).isTrue();

                // When another caller acquires while the consumer blocks
                Decision other =
                        client.acquireAsync("evb:other").toCompletableFuture().get(20, TimeUnit.SECONDS);

                // Then the BMS's answer reached it over the connection, not the fallback after the timeout
                assertThat(first.source()).isEqualTo(DecisionSource.BMS);
                assertThat(other)
                        .extracting(Decision::granted, Decision::source)
                        .containsExactly(true, DecisionSource.BMS);
            } finally {
                release.countDown();
            }

            // and the consumer got both events, in order, on the client's event thread
            Await.until(() -> events.size() == 2, 20_000);
            assertThat(events)
                    .extracting(e -> ((RateLimiterEvent.Granted) e).decision().key())
                    .containsExactly("evb:first", "evb:other");
            assertThat(threads).containsOnly("tokenplane-client-events");
        }
    }

    @Test
    void shouldDeliverEveryEventInOrderOnTheCallbackExecutor() throws Exception {
        // Given a client over HTTP with a callback executor of 4 threads, and a consumer that holds the first event
        // until every call is made, so that the later events all wait in line meanwhile
        ExecutorService callbacks = Executors.newFixedThreadPool(4, named("user-callbacks"));
        CountDownLatch allMade = new CountDownLatch(1);
        List<RateLimiterEvent> events = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        try (RateLimiterClient client = RateLimiterClient.builder()
                .bmsUrls(bms.url())
                .timeout(Duration.ofSeconds(30))
                .attemptTimeout(Duration.ofSeconds(30))
                .callbackExecutor(callbacks)
                .onEvent(e -> {
                    threads.add(Thread.currentThread().getName());
                    if (events.isEmpty()) {
                        awaitQuietly(allMade);
                    }
                    events.add(e);
                })
                .build()) {
            // When 8 acquires of a bucket of 5 are made one after the other, with an invalid one among them
            List<Decision> decisions = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    if (i == 3) {
                        assertThat(client.acquireAsync("evo:a", 0)).failsWithin(Duration.ofSeconds(60));
                    }
                    decisions.add(
                            client.acquireAsync("evo:a").toCompletableFuture().get(60, TimeUnit.SECONDS));
                }
            } finally {
                allMade.countDown();
            }

            // Then the consumer got every event in the order it happened (5 grants and 3 denials, the invalid
            // request's failure in its place), one at a time, on the executor's threads only
            Await.until(() -> events.size() == 9, 20_000);
            assertThat(decisions)
                    .extracting(Decision::granted)
                    .containsExactly(true, true, true, true, true, false, false, false);
            List<Object> expected = new ArrayList<>(decisions);
            expected.add(3, "failed evo:a");
            assertThat(events)
                    .extracting(e -> e instanceof RateLimiterEvent.Failed f
                            ? (Object) ("failed " + f.key())
                            : e instanceof RateLimiterEvent.Granted g
                                    ? g.decision()
                                    : ((RateLimiterEvent.Denied) e).decision())
                    .containsExactlyElementsOf(expected);
            assertThat(threads).allMatch(name -> name.startsWith("user-callbacks"));
        } finally {
            callbacks.shutdownNow();
        }
    }

    @Test
    void shouldDropAndCountTheNewestEventsWhenTheConsumersFallBehindWithoutBlockingTheCaller() throws Exception {
        // Given a client whose consumer blocks on the first event, with a meter registry
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CountDownLatch blocking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> keys = new CopyOnWriteArrayList<>();
        int queue = 8_192; // the client's event queue
        try (RateLimiterClient client = RateLimiterClient.builder()
                .bmsUrls(bms.url())
                .meterRegistry(registry)
                .onEvent(e -> {
                    blocking.countDown();
                    awaitQuietly(release);
                    keys.add(((RateLimiterEvent.Failed) e).key());
                })
                .build()) {
            try {
                // When a caller makes one event, and once the consumer holds it, the queue's worth and 10 more
                // (invalid requests: each fails at once on the caller's thread, with an event)
                CompletableFuture<Void> caller = CompletableFuture.runAsync(() -> {
                    client.acquireAsync("ev-0", 0);
                    awaitQuietly(blocking);
                    for (int i = 1; i <= queue + 10; i++) {
                        client.acquireAsync("ev-" + i, 0);
                    }
                });

                // Then the caller is never held: its calls all return while the consumer still blocks
                caller.get(60, TimeUnit.SECONDS);
                // and the 10 events that did not fit are dropped and counted
                assertThat(registry.get("tokenplane.client.events.dropped")
                                .functionCounter()
                                .count())
                        .isEqualTo(10.0);
            } finally {
                release.countDown();
            }

            // and the consumer gets the others, in order: the newest were the ones dropped
            Await.until(() -> keys.size() == queue + 1, 20_000);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i <= queue; i++) {
                expected.add("ev-" + i);
            }
            assertThat(keys).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void shouldDeliverTheQueuedEventsAndStopTheEventThreadOnClose() throws Exception {
        // Given a client whose consumer is still busy with the first of two events when the client is closed
        CountDownLatch busy = new CountDownLatch(1);
        List<Thread> threads = new CopyOnWriteArrayList<>();
        AtomicInteger delivered = new AtomicInteger();
        RateLimiterClient client = RateLimiterClient.builder()
                .bmsUrls(bms.url())
                .onEvent(e -> {
                    threads.add(Thread.currentThread());
                    if (delivered.get() == 0) {
                        busy.countDown();
                        awaitQuietly(new CountDownLatch(1), 200); // slow, for once
                    }
                    delivered.incrementAndGet();
                })
                .build();
        CompletableFuture<Void> caller = CompletableFuture.runAsync(() -> {
            client.acquireAsync("evc-1", 0);
            client.acquireAsync("evc-2", 0);
        });
        caller.get(60, TimeUnit.SECONDS);
        assertThat(busy.await(60, TimeUnit.SECONDS)).isTrue();

        // When it closes
        client.close();

        // Then both events were delivered first, on the event thread, and that thread ends
        assertThat(delivered.get()).isEqualTo(2);
        assertThat(threads).extracting(Thread::getName).containsOnly("tokenplane-client-events");
        Await.until(() -> threads.stream().noneMatch(Thread::isAlive), 20_000);
    }

    @Test
    void shouldNeverRunAConsumerOnTheClientsThreads() throws Exception {
        // Given a client with an HTTP URL where nothing listens before the BMS's
        List<String> threads = new CopyOnWriteArrayList<>();
        List<RateLimiterEvent> events = new CopyOnWriteArrayList<>();
        try (RateLimiterClient client = RateLimiterClient.builder()
                .bmsUrls("http://127.0.0.1:" + Bms.freePort(), bms.url())
                .timeout(Duration.ofSeconds(30))
                .attemptTimeout(Duration.ofSeconds(30))
                .onEvent(e -> {
                    threads.add(Thread.currentThread().getName());
                    events.add(e);
                })
                .build()) {
            // When it decides over HTTP (after a retry on the next URL), twice
            client.acquireAsync("evb:http").toCompletableFuture().get(60, TimeUnit.SECONDS);
            client.acquireAsync("evb:http").toCompletableFuture().get(60, TimeUnit.SECONDS);

            // Then every event, the retry included, ran on the client's event thread, none on the HTTP client's
            // threads that got the answers
            Await.until(
                    () -> events.stream()
                                    .filter(e -> e instanceof RateLimiterEvent.Granted)
                                    .count()
                            == 2,
                    20_000);
            assertThat(events).anyMatch(e -> e instanceof RateLimiterEvent.Retried);
            assertThat(threads).containsOnly("tokenplane-client-events").noneMatch(CLIENT_IO_THREADS::contains);
        }
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void awaitQuietly(CountDownLatch latch) {
        awaitQuietly(latch, 60_000);
    }

    private static void awaitQuietly(CountDownLatch latch, long ms) {
        try {
            latch.await(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
