package dev.tokenplane.bms.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenplane.bms.budget.ClientRefusalLimit;
import dev.tokenplane.bms.decide.BucketResolver;
import dev.tokenplane.bms.decide.DecisionService;
import dev.tokenplane.bms.http.Auth;
import dev.tokenplane.bms.metrics.BmsMetrics;
import dev.tokenplane.bms.rules.RuleIndex;
import dev.tokenplane.bms.rules.TestRule;
import dev.tokenplane.bms.spi.Borrower;
import dev.tokenplane.bms.stats.DecisionStats;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.ForwardingBucketStore;
import dev.tokenplane.store.local.LocalBucketStore;
import dev.tokenplane.transfer.PoolSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A decision port on a real Vert.x {@link NetServer}, spoken to over a real socket, with decisions held by the test:
 * the real local store, whose answers wait until the test releases them (so that decisions stay pending as long as a
 * test needs, as a slow owner would keep them).
 */
class DecisionConnectionTest {
    private static final String KEY = "wire:k";

    private final Vertx vertx = Vertx.vertx();
    private final HeldStore store = new HeldStore();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private NetServer server;

    @AfterEach
    void stop() throws Exception {
        store.releaseAll();
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        store.close();
    }

    @Test
    void shouldStopReadingAtTheInFlightLimitAndResumeWhenHalfAreAnswered() throws Exception {
        int limit = DecisionWire.MAX_IN_FLIGHT;
        int sent = 2 * limit - 48;
        try (Socket s = connect(listen(0))) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            Thread sender = sendAcquires(s, 1, sent); // all of them fit in the sockets' buffers
            sender.join(30_000);
            assertThat(sender.isAlive()).as("all frames written").isFalse();
            await("the member takes decisions up to the limit", () -> store.taken() >= limit);

            store.release(limit / 2 - 1);
            BitSet answered = new BitSet();
            readDecisions(in, limit / 2 - 1, answered);
            assertThat(store.taken())
                    .as("with %d still pending the connection is not read: %d frames wait", limit / 2 + 1, sent - limit)
                    .isEqualTo(limit);

            store.release(1); // half the limit pending: read again, up to the limit
            readDecisions(in, 1, answered);
            await("read again after half were answered", () -> store.taken() >= limit + limit / 2);
            assertThat(store.taken()).isEqualTo(limit + limit / 2);

            store.release(limit);
            readDecisions(in, limit, answered);
            await("the rest read", () -> store.taken() == sent);
            store.releaseAll();
            readDecisions(in, sent - answered.cardinality(), answered);
            assertThat(answered.cardinality()).as("every id answered once").isEqualTo(sent);
            assertThat(answered.nextSetBit(0)).isEqualTo(1);
            assertThat(registry.get("bms.decision.latency")
                            .tag("transport", "binary")
                            .timer()
                            .count())
                    .as("timed as binary decisions")
                    .isEqualTo(sent);
            assertThat(registry.get("bms.decision.latency")
                            .tag("transport", "http")
                            .timer()
                            .count())
                    .isZero();
        }
    }

    @Test
    void shouldSayGoodbyeToAnIdleConnectionOnlyOnceEveryDecisionIsAnswered() throws Exception {
        long idleMs = 300;
        try (Socket s = connect(listen(idleMs), acquire(1))) { // in the HELLO's packet: never idle before it
            DataInputStream in = new DataInputStream(s.getInputStream());
            await("the decision taken", () -> store.taken() == 1);

            s.setSoTimeout((int) (idleMs * 5));
            assertThatThrownBy(in::readInt)
                    .as("not idle while a decision is pending")
                    .isInstanceOf(SocketTimeoutException.class);

            s.setSoTimeout(30_000);
            store.releaseAll();
            readDecisions(in, 1, new BitSet());
            ByteBuffer goodbye = frame(in);
            assertThat(goodbye.get()).as("type").isEqualTo(DecisionFrames.ERROR);
            assertThat(goodbye.getInt()).as("id").isZero();
            assertThat(Short.toUnsignedInt(goodbye.getShort())).as("status").isEqualTo(408);
            goodbye.getLong();
            byte[] code = new byte[Short.toUnsignedInt(goodbye.getShort())];
            goodbye.get(code);
            assertThat(new String(code, StandardCharsets.UTF_8)).isEqualTo(IdleClose.CODE);
            assertThatThrownBy(in::readByte).isInstanceOf(EOFException.class);
        }
    }

    private int listen(long idleMs) throws Exception {
        BmsMetrics metrics = new BmsMetrics(registry);
        RuleIndex rules = RuleIndex.of(List.of(
                TestRule.of("wire", "wire:*").capacity(1_000_000, 1_000_000).build()));
        Clock clock = Clock.systemUTC();
        DecisionService decisions = new DecisionService(
                store,
                new BucketResolver(() -> rules, (key, now) -> null, clock, new PoolSettings(), server -> null),
                Borrower.NONE,
                metrics,
                clock,
                new DecisionStats());
        DecisionWire wire = new DecisionWire(
                decisions,
                new Auth(List.of(), Map.of()), // no API keys: decisions need none
                metrics,
                new ClientRefusalLimit(0, 0),
                clock,
                DecisionWire.MAX_FRAME_BYTES,
                DecisionWire.MAX_IN_FLIGHT,
                idleMs);
        server = vertx.createNetServer()
                .connectHandler(wire::connect)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        return server.actualPort();
    }

    /** A connection past its HELLO, sent with {@code frames} after it in one write. */
    private static Socket connect(int port, byte[]... frames) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(30_000);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
        out.writeInt(4);
        out.writeByte(DecisionFrames.HELLO);
        out.writeByte(DecisionFrames.VERSION);
        out.writeShort(0); // no API key
        for (byte[] frame : frames) {
            out.write(frame);
        }
        out.flush();
        ByteBuffer ready = frame(new DataInputStream(s.getInputStream()));
        assertThat(ready.get()).isEqualTo(DecisionFrames.READY);
        return s;
    }

    /** An ACQUIRE of one token on {@link #KEY}, with its length prefix. */
    private static byte[] acquire(int id) {
        byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + DecisionFrames.ACQUIRE_FIXED + key.length)
                .putInt(DecisionFrames.ACQUIRE_FIXED + key.length)
                .put(DecisionFrames.ACQUIRE)
                .putInt(id)
                .putLong(1) // tokens
                .putLong(0) // maxWaitMs
                .put((byte) 2) // normal
                .putShort((short) key.length)
                .put(key)
                .array();
    }

    /** Sends ACQUIREs with ids {@code first..first+count-1} from a thread of its own, all at once. */
    private static Thread sendAcquires(Socket s, int first, int count) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 64 * 1024));
        Thread sender = new Thread(() -> {
            try {
                for (int id = first; id < first + count; id++) {
                    out.write(acquire(id));
                }
                out.flush();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        sender.setDaemon(true);
        sender.start();
        return sender;
    }

    /** Reads {@code count} granted DECISION frames, marking their ids (each once). */
    private static void readDecisions(DataInputStream in, int count, BitSet answered) throws IOException {
        for (int i = 0; i < count; i++) {
            ByteBuffer f = frame(in);
            assertThat(f.get()).as("a DECISION").isEqualTo(DecisionFrames.DECISION);
            int id = f.getInt();
            assertThat(answered.get(id)).as("id %d answered twice", id).isFalse();
            answered.set(id);
            assertThat(f.get() & DecisionFrames.FLAG_GRANTED).isEqualTo(DecisionFrames.FLAG_GRANTED);
        }
    }

    private static ByteBuffer frame(DataInputStream in) throws IOException {
        byte[] f = new byte[in.readInt()];
        in.readFully(f);
        return ByteBuffer.wrap(f);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(10); // polling a real server's progress
        }
    }

    /** The local store, each acquire answered only once the test releases it, in the order taken. */
    private static final class HeldStore extends ForwardingBucketStore {
        private final List<CompletableFuture<Void>> held = new ArrayList<>();
        private int released;

        HeldStore() {
            super(new LocalBucketStore(Clock.systemUTC()));
        }

        @Override
        public CompletionStage<AcquireResult> acquire(String key, BucketSpec spec, long tokens, long maxWaitMs) {
            return hold().thenCompose(v -> delegate.acquire(key, spec, tokens, maxWaitMs));
        }

        @Override
        public CompletionStage<AcquireResult> acquire(
                String key, BucketSpec spec, long tokens, long maxWaitMs, long reservePpm) {
            return hold().thenCompose(v -> delegate.acquire(key, spec, tokens, maxWaitMs, reservePpm));
        }

        private synchronized CompletableFuture<Void> hold() {
            CompletableFuture<Void> gate = new CompletableFuture<>();
            held.add(gate);
            return gate;
        }

        synchronized int taken() {
            return held.size();
        }

        /** Answers the next {@code n} acquires taken, on this (the test's) thread: not the connection's event loop. */
        void release(int n) {
            List<CompletableFuture<Void>> gates;
            synchronized (this) {
                assertThat(held.size() - released).as("acquires held").isGreaterThanOrEqualTo(n);
                gates = List.copyOf(held.subList(released, released + n));
                released += n;
            }
            gates.forEach(g -> g.complete(null));
        }

        void releaseAll() {
            int n;
            synchronized (this) {
                n = held.size() - released;
            }
            release(n);
        }
    }
}
