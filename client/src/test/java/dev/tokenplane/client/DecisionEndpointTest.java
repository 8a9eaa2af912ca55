package dev.tokenplane.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenplane.client.support.Bms;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SDK's binary decision transport against a real BMS with {@code BMS_DECISION_PORT} open and API keys. The SDK's
 * HTTP URL points at a port where nothing listens: a decision that comes back from the BMS came over the binary port.
 */
class DecisionEndpointTest {
    static final String KEY = "decision-port-key-0001";
    static Bms bms;
    static RateLimiterClient client;

    @BeforeAll
    static void start() throws Exception {
        Path keys = Files.createTempFile("api-keys", ".yaml");
        Files.writeString(keys, KEY + ": team-a\n");
        // a store call may take seconds on a loaded machine: no 503 for it (the client's HTTP URL is dead, so a client
        // that fell back could not come back)
        bms = Bms.start(Map.of(
                "BMS_DECISION_PORT", "0", "BMS_API_KEYS_FILE", keys.toString(), "BMS_REQUEST_TIMEOUT_MS", "20000"));
        bms.rule("dp", "{\"match\":\"dp:*\",\"capacity\":5,\"refillPerSecond\":0.001}");
        bms.rule("dp-many", "{\"match\":\"dpm:*\",\"capacity\":200,\"refillPerSecond\":0.001}");
        bms.rule("dp-client", "{\"match\":\"dpc:*\",\"capacity\":3,\"refillPerSecond\":0.001}");
        client = binaryClient(KEY);
    }

    @AfterAll
    static void stop() {
        client.close();
        bms.close();
    }

    /** A client whose decisions can only come over the binary port (its HTTP URL has nothing behind it). */
    static RateLimiterClient binaryClient(String apiKey) throws IOException {
        RateLimiterClientBuilder b = RateLimiterClient.builder()
                .bmsUrls("http://127.0.0.1:" + Bms.freePort())
                .decisionEndpoint("127.0.0.1", bms.decisionPort())
                // generous: the first decisions of a cold JVM (and a cold BMS in it) are slow on a busy machine
                .timeout(Duration.ofSeconds(30))
                .attemptTimeout(Duration.ofSeconds(30));
        return (apiKey == null ? b : b.apiKey(apiKey)).build();
    }

    @Test
    void shouldGrantUntilTheBucketIsEmptyThenDenyExactly() {
        Decision first = client.acquireAsync("dp:a", 4).toCompletableFuture().join();
        Decision last = client.acquireAsync("dp:a").toCompletableFuture().join();
        Decision denied = client.acquireAsync("dp:a").toCompletableFuture().join();

        assertThat(first)
                .extracting(
                        Decision::key,
                        Decision::granted,
                        Decision::tokens,
                        Decision::remaining,
                        Decision::capacity,
                        Decision::ruleId,
                        Decision::source)
                .containsExactly("dp:a", true, 4L, 1L, 5L, "dp", DecisionSource.BMS);
        assertThat(first.refillPerSecond()).isEqualTo(0.001);
        assertThat(last.granted()).isTrue();
        assertThat(last.remaining()).isZero();
        assertThat(denied.granted()).isFalse();
        assertThat(denied.source()).isEqualTo(DecisionSource.BMS);
        assertThat(denied.retryAfterMs()).isGreaterThan(1_000L); // a token every 1,000 s
        assertThat(bms.tokens("dp:a")).isZero();
    }

    @Test
    void shouldGrantNoMoreThanTheCapacityToPipelinedConcurrentCallers() throws Exception {
        // 8 threads, each with 250 acquires in flight at once on the one connection (2,000: more than the 1,024 a
        // connection may have pending, so the server also stops and resumes reading it), for a bucket of 200
        List<CompletableFuture<List<Decision>>> callers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            callers.add(CompletableFuture.supplyAsync(() -> {
                List<CompletableFuture<Decision>> mine = new ArrayList<>();
                for (int i = 0; i < 250; i++) {
                    mine.add(client.acquireAsync("dpm:shared").toCompletableFuture());
                }
                return mine.stream().map(CompletableFuture::join).toList();
            }));
        }
        List<Decision> all = new ArrayList<>();
        for (CompletableFuture<List<Decision>> c : callers) {
            all.addAll(c.join());
        }

        assertThat(all).hasSize(2_000).allMatch(d -> d.source() == DecisionSource.BMS);
        assertThat(all.stream().filter(Decision::granted).count()).isEqualTo(200);
        assertThat(bms.tokens("dpm:shared")).isZero();
    }

    @Test
    void shouldPutTheClientIdOfTheApiKeyInTheKeyAndReportTheErrorsOfTheJsonApi() {
        Decision d = client.acquireAsync("dpc:{client}").toCompletableFuture().join();

        assertThat(d.key()).isEqualTo("dpc:team-a");
        assertThat(d.granted()).isTrue();
        assertThat(bms.tokens("dpc:team-a")).isEqualTo(2);
        assertThatThrownBy(() -> client.acquire("nothing-matches:x", 1, Duration.ZERO))
                .isInstanceOf(NoRuleException.class)
                .extracting(e -> ((RateLimitException) e).code())
                .isEqualTo("no_rule");
        assertThatThrownBy(() -> client.acquire("dp:too-many", 6, Duration.ZERO))
                .isInstanceOf(InvalidRequestException.class)
                .extracting(e -> ((RateLimitException) e).code())
                .isEqualTo("validation");
        assertThatThrownBy(() -> client.acquire("dp:bad key", 1, Duration.ZERO))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("whitespace");
    }

    @Test
    void shouldRefuseAWrongAnAdminOrNoApiKey() throws Exception {
        for (String credential : new String[] {"wrong-key-000000001", Bms.ADMIN_TOKEN, null}) {
            try (RateLimiterClient refused = binaryClient(credential)) {
                assertThatThrownBy(() -> refused.acquire("dp:refused", 1, Duration.ZERO))
                        .as("credential %s", credential == null ? "none" : credential.substring(0, 5))
                        .isInstanceOf(UnauthorizedException.class)
                        .extracting(e -> ((RateLimitException) e).code())
                        .isEqualTo("unauthorized");
            }
        }
        assertThat(bms.tokens("dp:refused")).isEqualTo(-1); // no bucket: nothing was decided
    }

    @Test
    void shouldAnswerAMalformedOrOversizedFrameWithAnErrorAndCloseWhileServingTheOthers() throws Exception {
        try (Socket s = new Socket("127.0.0.1", bms.decisionPort())) {
            s.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            hello(out, KEY);
            assertThat(in.readInt()).isEqualTo(2);
            assertThat(in.readByte()).isEqualTo((byte) 2); // READY
            in.readByte();
            out.writeInt(3); // a frame of an unknown type 9
            out.write(new byte[] {9, 0, 0});
            out.flush();

            assertConnectionError(in, 400, "bad_request");
        }
        try (Socket s = new Socket("127.0.0.1", bms.decisionPort())) {
            s.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(1_000_000); // longer than any frame may be, before the HELLO
            out.flush();

            assertConnectionError(new DataInputStream(s.getInputStream()), 413, "too_large");
        }
        try (Socket s = new Socket("127.0.0.1", bms.decisionPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

            assertConnectionError(new DataInputStream(s.getInputStream()), 413, "too_large");
        }

        Decision afterwards =
                client.acquireAsync("dp:afterwards").toCompletableFuture().join();
        assertThat(afterwards.granted()).isTrue();
        assertThat(afterwards.source()).isEqualTo(DecisionSource.BMS);
    }

    @Test
    void shouldStopReadingAClientThatSendsWithoutReadingItsAnswers() throws Exception {
        // Answers that cannot be written must not pile up in the member: once its write queue is full it stops
        // reading this connection, so the client's sends block (TCP pushes back) instead of going on for ever.
        try (Socket s = new Socket("127.0.0.1", bms.decisionPort())) {
            DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(s.getOutputStream(), 8_192));
            hello(out, KEY);
            AtomicLong sent = new AtomicLong();
            Thread sender = new Thread(() -> {
                byte[] key = "dpm:unread".getBytes(StandardCharsets.UTF_8);
                try {
                    for (int id = 1; id < 20_000_000; id++) {
                        out.writeInt(1 + 4 + 8 + 8 + 1 + 2 + key.length);
                        out.writeByte(3); // ACQUIRE
                        out.writeInt(id);
                        out.writeLong(1); // tokens
                        out.writeLong(0); // maxWaitMs
                        out.writeByte(2); // normal
                        out.writeShort(key.length);
                        out.write(key);
                        sent.incrementAndGet();
                    }
                } catch (IOException closedByTheTest) {
                    // the socket was closed once the sends were seen blocked
                }
            });
            sender.setDaemon(true);
            sender.start();

            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            long last = -1;
            long unchangedSince = System.nanoTime();
            while (System.nanoTime() - unchangedSince < Duration.ofSeconds(3).toNanos()) {
                assertThat(System.nanoTime())
                        .as("the sends never blocked: %d frames sent, the member kept reading", sent.get())
                        .isLessThan(deadline);
                Thread.sleep(100); // polling the sender's progress
                long now = sent.get();
                if (now != last) {
                    last = now;
                    unchangedSince = System.nanoTime();
                }
            }
            // The kernel's socket buffers on both sides hold a few hundred thousand of these 38-byte frames (272,392
            // here). A member that kept reading took 4 million before its heap, full of unwritten answers, stalled it.
            assertThat(last)
                    .as("frames sent before the sends blocked")
                    .isPositive()
                    .isLessThan(1_500_000);
        }

        Decision afterwards =
                client.acquireAsync("dp:after-unread").toCompletableFuture().join();
        assertThat(afterwards.granted()).isTrue();
        assertThat(afterwards.source()).isEqualTo(DecisionSource.BMS);
    }

    @Test
    void shouldNotBlockTheCallerWhileTheConnectionOpens() throws Exception {
        // A port that takes the TCP connection (the kernel's backlog) but never answers the HELLO: opening the
        // decision connection lasts until the connect timeout. An async acquire must return at once, not done, so
        // that an event loop calling it is never held for that long.
        try (java.net.ServerSocket silent =
                        new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                RateLimiterClient slow = RateLimiterClient.builder()
                        .bmsUrls("http://127.0.0.1:" + Bms.freePort())
                        .decisionEndpoint("127.0.0.1", silent.getLocalPort())
                        .apiKey(KEY)
                        .timeout(Duration.ofSeconds(30))
                        .attemptTimeout(Duration.ofSeconds(20)) // the HELLO's answer is awaited this long
                        .build()) {
            CompletableFuture<Decision> pending =
                    slow.acquireAsync("dp:slow-open").toCompletableFuture();

            assertThat(pending)
                    .as("returned while the connection was still opening")
                    .isNotDone();
        }
    }

    @Test
    void shouldSendAgainAnAcquireTheBmsSaidGoodbyeToWithoutReadingIt() throws Exception {
        // The race of an acquire with the BMS's idle close, forced: a peer speaking the protocol takes the ACQUIRE
        // but answers the goodbye (sent by the BMS only once all it read is answered, so this acquire counts as
        // unread), then answers it on the next connection. The acquire must get that answer, not the fallback.
        try (java.net.ServerSocket peer = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                RateLimiterClient c = peerClient(peer).build()) {
            CompletableFuture<Integer> connections = new CompletableFuture<>();
            Thread peerThread = new Thread(() -> {
                try (Socket first = peer.accept()) {
                    DataOutputStream out = greet(first);
                    frameOf(new DataInputStream(first.getInputStream())); // the ACQUIRE, not answered
                    writeFrame(
                            out,
                            b -> b.put((byte) 5)
                                    .putInt(0)
                                    .putShort((short) 408)
                                    .putLong(0)
                                    .putShort((short) 12)
                                    .put("idle_timeout".getBytes(StandardCharsets.US_ASCII))
                                    .putShort((short) 0));
                    try (Socket second = peer.accept()) {
                        answerOneAcquire(second);
                        connections.complete(2);
                        second.getInputStream().read(); // until the client closes
                    }
                } catch (IOException | RuntimeException e) {
                    connections.completeExceptionally(e);
                }
            });
            peerThread.setDaemon(true);
            peerThread.start(); // its own thread: the common pool may be busy with the client's work

            Decision d = c.acquireAsync("dp:goodbye").toCompletableFuture().join();

            assertThat(d)
                    .extracting(Decision::granted, Decision::ruleId, Decision::source)
                    .containsExactly(true, "peer", DecisionSource.BMS);
            assertThat(connections.join()).isEqualTo(2);
        }
    }

    @Test
    void shouldAnswerOtherCallersWhileACallbackBlocksWhenCallbacksRunOnTheCallbackExecutor() throws Exception {
        // A peer speaking the protocol answers the first acquire only once its callback is registered, so that the
        // callback runs on the thread that completes the stage (never on this one), and the second at once.
        ExecutorService callbacks = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-callbacks");
            t.setDaemon(true);
            return t;
        });
        CountDownLatch registered = new CountDownLatch(1);
        CountDownLatch blocking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (java.net.ServerSocket peer = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                RateLimiterClient c =
                        peerClient(peer).callbackExecutor(callbacks).build()) {
            CompletableFuture<Void> peerDone = new CompletableFuture<>();
            Thread peerThread = new Thread(() -> {
                try (Socket s = peer.accept()) {
                    DataOutputStream out = greet(s);
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    int first = idOf(frameOf(in));
                    if (!registered.await(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("no callback registered");
                    }
                    answerGranted(out, first);
                    answerGranted(out, idOf(frameOf(in)));
                    s.getInputStream().read(); // until the client closes
                    peerDone.complete(null);
                } catch (IOException | RuntimeException | InterruptedException e) {
                    peerDone.completeExceptionally(e);
                }
            });
            peerThread.setDaemon(true);
            peerThread.start();

            // Given a caller whose callback blocks
            CompletableFuture<Boolean> blocked = c.acquireAsync("dp:blocking-callback")
                    .thenApply(d -> {
                        blocking.countDown();
                        awaitQuietly(release);
                        return d.granted();
                    })
                    .toCompletableFuture();
            registered.countDown();
            assertThat(blocking.await(60, TimeUnit.SECONDS)).isTrue();

            // When another caller acquires while it blocks
            Decision other =
                    c.acquireAsync("dp:other-caller").toCompletableFuture().get(60, TimeUnit.SECONDS);

            // Then its answer comes from the BMS, not from the fallback after the client's timeout
            assertThat(other).extracting(Decision::granted, Decision::source).containsExactly(true, DecisionSource.BMS);
            release.countDown();
            assertThat(blocked.get(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            release.countDown();
            callbacks.shutdownNow();
        }
    }

    /** A client whose decisions go to {@code peer}, a socket server speaking the protocol (its HTTP URL is dead). */
    private static RateLimiterClientBuilder peerClient(java.net.ServerSocket peer) throws IOException {
        return RateLimiterClient.builder()
                .bmsUrls("http://127.0.0.1:" + Bms.freePort())
                .decisionEndpoint("127.0.0.1", peer.getLocalPort())
                .apiKey(KEY)
                .timeout(Duration.ofSeconds(30))
                .attemptTimeout(Duration.ofSeconds(30));
    }

    private static int idOf(byte[] acquire) {
        return java.nio.ByteBuffer.wrap(acquire, 1, 4).getInt();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The peer's second connection: greets, then answers one ACQUIRE with a grant of rule "peer". */
    private static void answerOneAcquire(Socket second) throws IOException {
        DataOutputStream out = greet(second);
        answerGranted(out, idOf(frameOf(new DataInputStream(second.getInputStream()))));
    }

    /** A grant of rule "peer" for the ACQUIRE with {@code id}. */
    private static void answerGranted(DataOutputStream out, int id) throws IOException {
        writeFrame(
                out,
                b -> b.put((byte) 4) // DECISION, granted, of rule "peer"
                        .putInt(id)
                        .put((byte) 1)
                        .putLong(9)
                        .putLong(10)
                        .putDouble(1)
                        .putLong(0)
                        .putLong(0)
                        .putShort((short) 4)
                        .put("peer".getBytes(StandardCharsets.US_ASCII)));
    }

    /** The peer's side of a HELLO: reads it, answers READY. */
    private static DataOutputStream greet(Socket s) throws IOException {
        s.setSoTimeout(30_000);
        frameOf(new DataInputStream(s.getInputStream()));
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        writeFrame(out, b -> b.put((byte) 2).put((byte) 1));
        return out;
    }

    private static byte[] frameOf(DataInputStream in) throws IOException {
        byte[] f = new byte[in.readInt()];
        in.readFully(f);
        return f;
    }

    private static void writeFrame(DataOutputStream out, java.util.function.Consumer<java.nio.ByteBuffer> body)
            throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(512);
        body.accept(b);
        out.writeInt(b.position());
        out.write(b.array(), 0, b.position());
        out.flush();
    }

    @Test
    void shouldKeepBatchesOnHttp() throws Exception {
        // a batch needs HTTP, which this client cannot reach: it fails or falls back; the binary port is not used
        try (RateLimiterClient other = binaryClient(KEY)) {
            try {
                other.acquireBatchAsync(List.of(AcquireRequest.of("dp:batch", 1)))
                        .toCompletableFuture()
                        .join(); // decided by the local fallback, if at all
            } catch (CompletionException e) {
                // refused without HTTP: as good
            }
        }
        assertThat(bms.tokens("dp:batch")).isEqualTo(-1);
    }

    private static void hello(DataOutputStream out, String apiKey) throws IOException {
        byte[] key = apiKey.getBytes(StandardCharsets.UTF_8);
        out.writeInt(4 + key.length);
        out.writeByte(1); // HELLO
        out.writeByte(1); // version 1
        out.writeShort(key.length);
        out.write(key);
        out.flush();
    }

    /** An ERROR frame with id 0 and {@code status} and {@code code}, then the end of the stream. */
    private static void assertConnectionError(DataInputStream in, int status, String code) throws IOException {
        int length = in.readInt();
        byte[] frame = new byte[length];
        in.readFully(frame);
        var b = java.nio.ByteBuffer.wrap(frame);
        assertThat(b.get()).as("type").isEqualTo((byte) 5);
        assertThat(b.getInt()).as("id").isZero();
        assertThat(Short.toUnsignedInt(b.getShort())).as("status").isEqualTo(status);
        b.getLong();
        byte[] c = new byte[Short.toUnsignedInt(b.getShort())];
        b.get(c);
        assertThat(new String(c, StandardCharsets.UTF_8)).isEqualTo(code);
        assertThatThrownBy(in::readByte).isInstanceOf(EOFException.class);
    }
}
