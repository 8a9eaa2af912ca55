package dev.tokenplane.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.client.Decision;
import dev.tokenplane.client.UnauthorizedException;
import dev.tokenplane.client.support.Await;
import dev.tokenplane.store.Priority;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * How concurrent acquires share the decision connection's writes ({@link DecisionChannel}), against a peer speaking
 * the protocol over a real socket: what reaches it, in which order, and what a caller waits for when the BMS does not
 * read.
 */
class DecisionChannelTest {
    private static final int CALLERS = 8;
    private static final int PER_CALLER = 500;
    /** Enough 30 kB acquires to fill the sockets' buffers (4 MB at most here) of a peer that does not read: 9 MB. */
    private static final int OPENING_ACQUIRES = 300;

    private static final int LATER_ACQUIRES = 20;
    private static final int ANSWERED_FIRST = 29;
    private static final int UNANSWERED = 6;

    @Test
    void shouldDeliverEveryConcurrentAcquireWholeOnceAndInEachCallersOrderAndMatchEachAnswerToItsCaller()
            throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                DecisionChannel channel = channel(server)) {
            List<String> received = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Void> peer = new CompletableFuture<>();
            start(
                    () -> { // its own thread: the common pool may be busy with the client's work
                        try {
                            answerEverything(server, received);
                            peer.complete(null);
                        } catch (RuntimeException | AssertionError e) {
                            peer.completeExceptionally(e);
                        }
                    });
            // no connection yet: the callers' first acquires queue while it opens, the later ones go straight on
            List<List<CompletableFuture<Decision>>> answers = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> callers = new ArrayList<>();
            for (int c = 0; c < CALLERS; c++) {
                List<CompletableFuture<Decision>> own = new ArrayList<>();
                answers.add(own);
                String caller = "c" + c;
                callers.add(start(() -> {
                    await(go);
                    for (int i = 0; i < PER_CALLER; i++) {
                        own.add(channel.acquire(caller + ":" + i, 1, 0, Priority.DEFAULT));
                    }
                }));
            }
            go.countDown();
            for (Thread t : callers) {
                t.join(60_000);
            }

            for (int c = 0; c < CALLERS; c++) {
                for (int i = 0; i < PER_CALLER; i++) {
                    Decision d = answers.get(c).get(i).get(60, TimeUnit.SECONDS);
                    // the peer answers with the key it read under the request's id
                    assertThat(d.key()).isEqualTo("c" + c + ":" + i);
                }
            }
            assertThat(received).hasSize(CALLERS * PER_CALLER).doesNotHaveDuplicates();
            Map<String, Integer> lastOfCaller = new HashMap<>();
            for (String key : received) {
                String[] parts = key.split(":");
                int seq = Integer.parseInt(parts[1]);
                assertThat(seq).as("order of " + parts[0]).isEqualTo(lastOfCaller.getOrDefault(parts[0], -1) + 1);
                lastOfCaller.put(parts[0], seq);
            }
            assertThat(peer).isNotCompletedExceptionally();
        }
    }

    @Test
    void shouldSendACallersAcquiresInTheirOrderAcrossTheOpeningOfTheConnection() throws Exception {
        try (ServerSocket server = new ServerSocket();
                DecisionChannel channel = channel(smallWindow(server))) {
            // Given acquires made while the connection opens (the peer has not even accepted it), big enough that
            // sending them fills the socket's buffers
            String padding = "/" + "p".repeat(30_000);
            List<CompletableFuture<Decision>> futures = new ArrayList<>();
            List<String> made = new ArrayList<>();
            for (int i = 0; i < OPENING_ACQUIRES; i++) {
                made.add("a" + i);
                futures.add(channel.acquire("a" + i + padding, 1, 0, Priority.DEFAULT));
            }
            List<String> received = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch read = new CountDownLatch(1);
            CompletableFuture<Void> peer = new CompletableFuture<>();
            start(() -> {
                try (Socket s = server.accept()) {
                    DataInputStream in = greet(s); // the connection is open
                    await(read); // and stuck sending what was queued while it opened: nothing is read yet
                    DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(s.getOutputStream()));
                    for (int i = 0; i < OPENING_ACQUIRES + LATER_ACQUIRES; i++) {
                        received.add(answer(in, out).split("/")[0]);
                        if (in.available() == 0) {
                            out.flush();
                        }
                    }
                    out.flush();
                    in.read(); // until the client closes
                    peer.complete(null);
                } catch (IOException | RuntimeException | AssertionError e) {
                    peer.completeExceptionally(e);
                }
            });
            stuckInSocketWrite("tokenplane-decision-connect");

            // When the same caller makes more acquires on the open connection
            for (int i = 0; i < LATER_ACQUIRES; i++) {
                made.add("b" + i);
                futures.add(channel.acquire("b" + i, 1, 0, Priority.DEFAULT));
            }
            read.countDown();

            // Then the peer gets them all in the order they were made, each answer matched to its acquire
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get(60, TimeUnit.SECONDS).key().split("/")[0])
                        .isEqualTo(made.get(i));
            }
            assertThat(received).containsExactlyElementsOf(made);
            assertThat(peer).isNotCompletedExceptionally();
        }
    }

    @Test
    void shouldSendAgainTheAcquiresTheBmsSaidGoodbyeToInTheirCallersOrder() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                DecisionChannel channel = channel(server)) {
            List<String> received = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Void> peer = new CompletableFuture<>();
            start(() -> {
                try {
                    sayGoodbyeAfterTheUnanswered(server);
                    try (Socket second = server.accept()) {
                        DataInputStream in = greet(second);
                        DataOutputStream out = new DataOutputStream(second.getOutputStream());
                        for (int i = 0; i < UNANSWERED; i++) {
                            received.add(answer(in, out));
                        }
                        out.flush();
                        in.read(); // until the client closes
                    }
                    peer.complete(null);
                } catch (IOException | RuntimeException | AssertionError e) {
                    peer.completeExceptionally(e);
                }
            });
            // Given answered acquires, one at a time: the ids of the next ones (30..35) straddle a multiple of 16, so
            // an order taken from a hash table of them is not the order they were sent in
            for (int i = 0; i < ANSWERED_FIRST; i++) {
                assertThat(channel.acquire("first" + i, 1, 0, Priority.DEFAULT)
                                .get(60, TimeUnit.SECONDS)
                                .granted())
                        .isTrue();
            }
            // When one caller's acquires reach the BMS, which says goodbye without reading them
            List<CompletableFuture<Decision>> futures = new ArrayList<>();
            List<String> made = new ArrayList<>();
            for (int i = 0; i < UNANSWERED; i++) {
                made.add("r" + i);
                futures.add(channel.acquire("r" + i, 1, 0, Priority.DEFAULT));
            }

            // Then they are sent again on the next connection, in the order they were made
            for (int i = 0; i < UNANSWERED; i++) {
                assertThat(futures.get(i).get(60, TimeUnit.SECONDS).key()).isEqualTo(made.get(i));
            }
            assertThat(received).containsExactlyElementsOf(made);
            assertThat(peer).isNotCompletedExceptionally();
        }
    }

    /**
     * A refused API key fails every acquire as a refusal, also one that registers on its connection just after the
     * refusal closed it (before, that one failed as an unreachable BMS, and the client answered it from its fallback).
     * 32 callers of 2,000 acquires each make that window likely (the old code failed 2 runs of 2 here, each with
     * several acquires); the peer refuses every {@code HELLO} at once.
     */
    @Test
    void shouldFailEveryAcquireOfARefusedKeyAsARefusal() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
                DecisionChannel channel = channel(server)) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread peer = start(() -> refuseEveryHello(server, stop));
            List<CompletableFuture<Decision>> futures = Collections.synchronizedList(new ArrayList<>());
            List<Thread> callers = new ArrayList<>();
            for (int c = 0; c < 4 * CALLERS; c++) {
                callers.add(start(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        futures.add(channel.acquire("k" + i, 1, 0, Priority.DEFAULT));
                    }
                }));
            }
            for (Thread t : callers) {
                t.join(60_000);
            }

            for (CompletableFuture<Decision> f : futures) {
                assertThat(failure(f)).isInstanceOf(UnauthorizedException.class).hasMessageContaining("refused");
            }
            stop.set(true);
            server.close();
            peer.join(10_000);
        }
    }

    /** The peer: reads each connection's {@code HELLO} and answers 401 unauthorized, then closes, until stopped. */
    private static void refuseEveryHello(ServerSocket server, AtomicBoolean stop) {
        while (!stop.get()) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                frame(new DataInputStream(s.getInputStream())); // HELLO
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                connectionError(out, 401, "unauthorized", "refused");
                out.flush();
            } catch (IOException e) {
                // stopped, or a client that went away
            }
        }
    }

    /**
     * The peer's first connection: answers {@link #ANSWERED_FIRST} acquires, waits until the next
     * {@link #UNANSWERED} have arrived whole, then says goodbye without reading them (as the BMS would have, had its
     * idle close raced them) and waits for the client to close.
     */
    private static void sayGoodbyeAfterTheUnanswered(ServerSocket server) throws IOException {
        try (Socket first = server.accept()) {
            DataInputStream in = greet(first);
            DataOutputStream out = new DataOutputStream(first.getOutputStream());
            for (int i = 0; i < ANSWERED_FIRST; i++) {
                answer(in, out);
                out.flush();
            }
            int unreadBytes = UNANSWERED * (4 + 1 + 4 + 8 + 8 + 1 + 2 + "r0".length());
            Await.until(() -> available(in) >= unreadBytes, 60_000);
            connectionError(out, 408, "idle_timeout", "");
            out.flush();
            first.shutdownOutput();
            while (in.read() >= 0) { // what the client sent, unread by the "BMS", until it closes
            }
        }
    }

    /** Writes an {@code ERROR} frame of the connection (id 0), as the BMS ends one. */
    private static void connectionError(DataOutputStream out, int status, String code, String message)
            throws IOException {
        byte[] c = code.getBytes(StandardCharsets.US_ASCII);
        byte[] m = message.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer error = ByteBuffer.allocate(1 + 4 + 2 + 8 + 2 + c.length + 2 + m.length)
                .put((byte) 5) // ERROR
                .putInt(0)
                .putShort((short) status)
                .putLong(0) // retryAfterMs
                .putShort((short) c.length)
                .put(c)
                .putShort((short) m.length)
                .put(m);
        out.writeInt(error.position());
        out.write(error.array(), 0, error.position());
    }

    /** {@code server} bound to a free loopback port with a small receive buffer: a peer that does not read fills it. */
    private static ServerSocket smallWindow(ServerSocket server) throws IOException {
        server.setReceiveBufferSize(64 * 1024); // before the bind: its accepted sockets inherit it, without autotuning
        server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        return server;
    }

    private static int available(DataInputStream in) {
        try {
            return in.available();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void shouldNotHoldACallerWhileAnotherCallersWriteWaitsForTheBmsToRead() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                DecisionChannel channel = channel(server)) {
            Stalled stalled = stallTheWriter(server, channel);

            CountDownLatch returned = new CountDownLatch(1);
            List<CompletableFuture<Decision>> other = new ArrayList<>();
            Thread caller = start(() -> {
                other.add(channel.acquire("other", 1, 0, Priority.DEFAULT));
                returned.countDown();
            });

            assertThat(returned.await(20, TimeUnit.SECONDS))
                    .as(
                            "an acquire returned while another caller's write was stuck (its thread: %s)",
                            caller.getState())
                    .isTrue();
            assertThat(other.get(0)).isNotDone();
            stalled.stop();
        }
    }

    @Test
    void shouldFailEveryPendingAcquireTheQueuedOnesIncludedWhenTheConnectionEndsMidWrite() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                DecisionChannel channel = channel(server)) {
            Stalled stalled = stallTheWriter(server, channel);
            List<CompletableFuture<Decision>> queued = new ArrayList<>();
            Thread caller = start(() -> {
                for (int i = 0; i < 10; i++) {
                    queued.add(channel.acquire("queued-" + i, 1, 0, Priority.DEFAULT));
                }
            });

            caller.join(60_000); // queued behind the stuck write: they return at once
            assertThat(queued).hasSize(10).noneMatch(CompletableFuture::isDone);

            stalled.peer.close(); // the BMS goes away with a write half done and frames queued behind it
            server.close(); // and stays away: an acquire after this one opens no new connection
            stalled.stop();

            for (CompletableFuture<Decision> f : queued) {
                assertThat(failure(f)).as("a queued acquire").isInstanceOf(DecisionChannel.Unreachable.class);
            }
            // the stuck writer's own acquires fail too, as unreachable on this connection or refused on the next
            assertThat(stalled.sent).isNotEmpty();
            for (CompletableFuture<Decision> f : stalled.sent) {
                assertThat(failure(f)).as("the writer's acquire").isInstanceOf(IOException.class);
            }
        }
    }

    /** A caller stuck in a write: the peer took the connection but reads nothing after the HELLO. */
    private record Stalled(Socket peer, Thread writer, AtomicBoolean running, List<CompletableFuture<Decision>> sent) {
        void stop() throws InterruptedException, IOException {
            running.set(false);
            peer.close();
            writer.join(60_000);
        }
    }

    private static Stalled stallTheWriter(ServerSocket server, DecisionChannel channel) throws Exception {
        CompletableFuture<Socket> accepted = new CompletableFuture<>();
        start(() -> {
            try {
                Socket s = server.accept();
                answerOne(s, greet(s));
                accepted.complete(s);
            } catch (IOException | RuntimeException e) {
                accepted.completeExceptionally(e);
            }
        });
        // one answered acquire first: the connection is open, so the writer below writes on its own thread
        assertThat(channel.acquire("first", 1, 0, Priority.DEFAULT)
                        .get(60, TimeUnit.SECONDS)
                        .granted())
                .isTrue();
        String bigKey = "k".repeat(16 * 1024);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        List<CompletableFuture<Decision>> futures = Collections.synchronizedList(new ArrayList<>());
        Thread writer = start(() -> {
            while (running.get() && sent.get() < 5_000) {
                futures.add(channel.acquire(bigKey, 1, 0, Priority.DEFAULT));
                sent.incrementAndGet();
            }
        });
        Socket peer = accepted.get(60, TimeUnit.SECONDS);
        // stuck: the socket's buffers are full, so the writer sits in a socket write and its count stops moving
        int[] last = {-1, 0}; // the count at the last poll, and for how many polls it has not moved
        Await.until(
                () -> {
                    int now = sent.get();
                    last[1] = now == last[0] && inSocketWrite(writer) ? last[1] + 1 : 0;
                    last[0] = now;
                    return last[1] >= 10;
                },
                60_000);
        return new Stalled(peer, writer, running, futures);
    }

    /** Waits until the thread named {@code name} has sat in a socket write for 10 polls in a row. */
    private static void stuckInSocketWrite(String name) {
        int[] polls = {0};
        Await.until(
                () -> {
                    boolean stuck = Thread.getAllStackTraces().keySet().stream()
                            .anyMatch(t -> t.getName().equals(name) && inSocketWrite(t));
                    polls[0] = stuck ? polls[0] + 1 : 0;
                    return polls[0] >= 10;
                },
                60_000);
    }

    private static boolean inSocketWrite(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().contains("SocketOutputStream")
                    || e.getClassName().endsWith("NioSocketImpl")) {
                return true;
            }
        }
        return false;
    }

    private static DecisionChannel channel(ServerSocket server) {
        return new DecisionChannel("127.0.0.1", server.getLocalPort(), "key", null, Duration.ofSeconds(30));
    }

    /** The peer: greets, then answers each ACQUIRE at once, flushing when it has nothing more to read. */
    private static void answerEverything(ServerSocket server, List<String> received) {
        try (Socket s = server.accept()) {
            DataInputStream in = greet(s);
            DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(s.getOutputStream()));
            for (int answered = 0; answered < CALLERS * PER_CALLER; answered++) {
                received.add(answer(in, out));
                if (in.available() == 0) {
                    out.flush();
                }
            }
            out.flush();
            in.read(); // until the client closes
        } catch (IOException e) {
            throw new CompletionException(e);
        }
    }

    private static void answerOne(Socket s, DataInputStream in) throws IOException {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        answer(in, out);
        out.flush();
    }

    /** Reads one ACQUIRE and answers it with a grant carrying the key it read (flag 8); returns the key. */
    private static String answer(DataInputStream in, DataOutputStream out) throws IOException {
        ByteBuffer acquire = ByteBuffer.wrap(frame(in));
        assertThat(acquire.get()).as("frame type").isEqualTo((byte) 3);
        int id = acquire.getInt();
        acquire.getLong(); // tokens
        acquire.getLong(); // maxWaitMs
        acquire.get(); // priority
        byte[] key = new byte[acquire.getShort()];
        acquire.get(key);
        assertThat(acquire.hasRemaining()).as("frame ends with its key").isFalse();
        ByteBuffer answer = ByteBuffer.allocate(64 + key.length)
                .put((byte) 4)
                .putInt(id)
                .put((byte) (1 | 8))
                .putLong(9)
                .putLong(10)
                .putDouble(1)
                .putLong(0)
                .putLong(0)
                .putShort((short) 0)
                .putShort((short) key.length)
                .put(key);
        out.writeInt(answer.position());
        out.write(answer.array(), 0, answer.position());
        return new String(key, StandardCharsets.UTF_8);
    }

    private static DataInputStream greet(Socket s) throws IOException {
        s.setSoTimeout(60_000);
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(s.getInputStream()));
        frame(in); // HELLO
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeInt(2);
        out.write(new byte[] {2, 1}); // READY
        out.flush();
        return in;
    }

    private static byte[] frame(DataInputStream in) throws IOException {
        byte[] f = new byte[in.readInt()];
        in.readFully(f);
        return f;
    }

    private static Throwable failure(CompletableFuture<Decision> f) throws InterruptedException {
        try {
            f.get(60, TimeUnit.SECONDS);
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            return e;
        }
    }

    private static Thread start(Runnable body) {
        Thread t = new Thread(body, "decision-channel-test-caller");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
