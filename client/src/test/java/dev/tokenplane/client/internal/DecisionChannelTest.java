package dev.tokenplane.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.client.Decision;
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
            // the connection open first: acquires made while it opens are sent from the channel's own thread once it
            // is open, so they may go after a later acquire of the same caller (order holds on an open connection)
            assertThat(channel.acquire("open", 1, 0, Priority.DEFAULT)
                            .get(60, TimeUnit.SECONDS)
                            .granted())
                    .isTrue();
            received.remove("open");
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
            for (int answered = 0; answered <= CALLERS * PER_CALLER; answered++) { // and the "open" one
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
