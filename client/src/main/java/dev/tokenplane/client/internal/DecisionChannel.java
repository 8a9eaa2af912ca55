package dev.tokenplane.client.internal;

import dev.tokenplane.client.Decision;
import dev.tokenplane.client.DecisionSource;
import dev.tokenplane.client.RateLimitException;
import dev.tokenplane.store.Priority;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The SDK's side of the BMS's binary decision protocol ({@code docs/decision-protocol.md}): one TCP (or TLS)
 * connection, opened at the first acquire after a failure, authenticated by a {@code HELLO} with the client's API key,
 * carrying pipelined {@code ACQUIRE} frames answered by id.
 *
 * <p>An acquire completes with the {@link Decision}, with the {@link RateLimitException} of a 4xx-class error the BMS
 * answered (as over HTTP), or with an {@link IOException} when the BMS could not answer (connection lost, a 5xx-class
 * error): the {@link BmsGateway} then falls back as it does for HTTP. Concurrent acquires' frames are written
 * together, by whichever caller is writing ({@link Connection#write}); one daemon reader thread per connection
 * completes the futures (continuations run on it, so they must not block); a
 * connection is opened on the channel's own thread, never the caller's.
 */
final class DecisionChannel implements AutoCloseable {
    private static final byte VERSION = 1;
    private static final byte HELLO = 1;
    private static final byte READY = 2;
    private static final byte ACQUIRE = 3;
    private static final byte DECISION = 4;
    private static final byte ERROR = 5;
    private static final int MAX_FRAME_BYTES = 64 * 1024;
    private static final Priority[] PRIORITIES = Priority.values();

    /** What the BMS could not answer: the gateway's cue to fall back, as for an HTTP 5xx or a lost connection. */
    static final class Unreachable extends IOException {
        private final boolean answered;

        Unreachable(String message) {
            this(message, false);
        }

        /** {@code answered}: the BMS is there and said so (a 5xx-class error), rather than a lost connection. */
        Unreachable(String message, boolean answered) {
            super(message);
            this.answered = answered;
        }

        /** Whether the BMS answered (a 5xx-class error): worth one more try, as HTTP retries a 5xx. */
        boolean answered() {
            return answered;
        }
    }

    /** An acquire sent and not answered yet; {@code resent}: already sent again after a goodbye. */
    private record Pending(
            String key,
            long tokens,
            long maxWaitMs,
            Priority priority,
            boolean resent,
            CompletableFuture<Decision> result) {}

    /** The BMS's goodbye on an idle connection (an id-0 {@code ERROR} with code {@value #GOODBYE}). */
    private static final class Goodbye extends IOException {
        Goodbye(String message) {
            super(message);
        }
    }

    /**
     * The code of the goodbye: the BMS sends it only once every request it read on the connection is answered, so a
     * request without an answer before it never reached the BMS, and is sent again on a new connection.
     */
    private static final String GOODBYE = "idle_timeout";

    private final String host;
    private final int port;
    private final String apiKey;
    private final SSLContext tls;
    private final int connectTimeoutMs;
    private final AtomicInteger ids = new AtomicInteger();
    private final Object opening = new Object();
    /** Opens connections, off the callers' threads. */
    private final ExecutorService opener = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tokenplane-decision-connect");
        t.setDaemon(true);
        return t;
    });

    private volatile Connection current;
    private volatile boolean closed;

    /**
     * @param tls null for plain TCP; else the context whose trust verifies the BMS's certificate (host name checked)
     */
    DecisionChannel(String host, int port, String apiKey, SSLContext tls, Duration connectTimeout) {
        this.host = host;
        this.port = port;
        this.apiKey = apiKey;
        this.tls = tls;
        this.connectTimeoutMs = (int) Math.max(1, connectTimeout.toMillis());
    }

    /**
     * One decision; see the class comment for how it completes. Never blocks the caller (an event loop, say): without
     * an open connection, the connection is opened (connect, TLS, {@code HELLO}: blocking calls, up to the connect
     * timeout when the BMS is down) on the channel's own thread, which then sends the request.
     */
    CompletableFuture<Decision> acquire(String key, long tokens, long maxWaitMs, Priority priority) {
        return acquire(key, tokens, maxWaitMs, priority, false);
    }

    private CompletableFuture<Decision> acquire(
            String key, long tokens, long maxWaitMs, Priority priority, boolean resent) {
        Connection c = current;
        if (c != null && !c.closed) {
            return send(c, key, tokens, maxWaitMs, priority, resent);
        }
        CompletableFuture<Decision> result = new CompletableFuture<>();
        try {
            opener.execute(() -> {
                try {
                    send(connection(), key, tokens, maxWaitMs, priority, resent).whenComplete((d, e) -> {
                        if (e != null) {
                            result.completeExceptionally(e);
                        } else {
                            result.complete(d);
                        }
                    });
                } catch (RateLimitException | IOException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IOException("the client is closed"));
        }
        return result;
    }

    private CompletableFuture<Decision> send(
            Connection c, String key, long tokens, long maxWaitMs, Priority priority, boolean resent) {
        CompletableFuture<Decision> result = new CompletableFuture<>();
        int id = nextId();
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        int length = 1 + 4 + 8 + 8 + 1 + 2 + keyBytes.length;
        ByteBuffer frame = ByteBuffer.allocate(4 + length)
                .putInt(length)
                .put(ACQUIRE)
                .putInt(id)
                .putLong(tokens)
                .putLong(maxWaitMs)
                .put((byte) priority.ordinal())
                .putShort((short) keyBytes.length)
                .put(keyBytes);
        c.pending.put(id, new Pending(key, tokens, maxWaitMs, priority, resent, result));
        if (c.closed) { // lost while registering: its reader may have failed the others already
            Unreachable closed = new Unreachable("the decision connection to " + host + ":" + port + " closed");
            if (c.saidGoodbye) {
                c.resend(id, closed); // never sent: as good as unread
            } else {
                c.fail(id, closed);
            }
            return result;
        }
        try {
            c.write(frame.array());
        } catch (IOException e) {
            c.close(e);
        }
        return result;
    }

    /** Closes the connection now (its pending acquires fail); the next acquire opens a new one. */
    void reset() {
        Connection c = current;
        if (c != null) {
            c.close(new Unreachable("the decision connection was reset after a timeout"));
        }
    }

    @Override
    public void close() {
        closed = true;
        opener.shutdown();
        reset();
    }

    private int nextId() {
        int id = ids.incrementAndGet();
        return id == 0 ? ids.incrementAndGet() : id; // 0 is the connection's own id
    }

    private Connection connection() throws IOException {
        Connection c = current;
        if (c != null && !c.closed) {
            return c;
        }
        synchronized (opening) {
            if (closed) {
                throw new IOException("the client is closed");
            }
            c = current;
            if (c == null || c.closed) {
                c = open();
                current = c;
            }
            return c;
        }
    }

    private Connection open() throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            if (tls != null) {
                SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(socket, host, port, true);
                SSLParameters parameters = secured.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the BMS's name, as for its HTTPS URL
                secured.setSSLParameters(parameters);
                socket = secured;
            }
            socket.setSoTimeout(connectTimeoutMs); // for the HELLO's answer only
            Connection c = new Connection(socket);
            byte[] key = apiKey == null ? new byte[0] : apiKey.getBytes(StandardCharsets.UTF_8);
            c.write(ByteBuffer.allocate(4 + 4 + key.length)
                    .putInt(4 + key.length)
                    .put(HELLO)
                    .put(VERSION)
                    .putShort((short) key.length)
                    .put(key)
                    .array());
            ByteBuffer ready = ByteBuffer.wrap(c.readFrame());
            byte type = ready.get();
            if (type == ERROR) {
                throw error(ready); // a refused API key: 401 unauthorized, as over HTTP
            }
            if (type != READY) {
                throw new IOException("the BMS answered the HELLO with a frame of type " + type);
            }
            socket.setSoTimeout(0);
            Thread reader = new Thread(c::read, "tokenplane-decision-reader");
            reader.setDaemon(true);
            reader.start();
            return c;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The error of an {@code ERROR} frame positioned after its type: a 5xx-class one is {@link Unreachable}. */
    private static RateLimitException error(ByteBuffer frame) throws Unreachable {
        frame.getInt(); // the id
        int status = Short.toUnsignedInt(frame.getShort());
        frame.getLong(); // retryAfterMs: a 429 is a plain error for the SDK, as over HTTP
        String code = string(frame);
        String message = string(frame);
        if (status >= 500) {
            throw new Unreachable("the BMS answered " + status + " " + code + ": " + message, true);
        }
        return RateLimitException.of(status, code, message);
    }

    private static String string(ByteBuffer frame) {
        int length = Short.toUnsignedInt(frame.getShort());
        String s = new String(frame.array(), frame.position(), length, StandardCharsets.UTF_8);
        frame.position(frame.position() + length);
        return s;
    }

    private final class Connection {
        final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
        /** Frames to write, in the order their callers queued them; {@link #writing}: one caller is writing them. */
        final Queue<byte[]> outbox = new ConcurrentLinkedQueue<>();

        final AtomicBoolean writing = new AtomicBoolean();
        final Socket socket;
        final OutputStream out;
        final DataInputStream in;
        volatile boolean closed;
        /** The BMS ended this connection with a goodbye: set before {@link #closed}. */
        volatile boolean saidGoodbye;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.out = new BufferedOutputStream(socket.getOutputStream(), 8 * 1024);
            this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 16 * 1024));
        }

        /**
         * Queues the frame and writes it, with the frames other callers queued meanwhile, in one flush: a caller that
         * finds another writing leaves its frame to that writer and returns at once, so concurrent acquires share a
         * system call and never wait for each other's writes (a slow reader on the BMS's side holds one caller, not
         * all). The writer looks at the queue again after letting go, so a frame queued during its flush is not left
         * behind. A failed write throws to the caller that was writing; it closes the connection, which fails every
         * pending acquire, the queued ones included.
         */
        void write(byte[] frame) throws IOException {
            outbox.add(frame);
            while (!outbox.isEmpty() && writing.compareAndSet(false, true)) {
                try {
                    for (byte[] next = outbox.poll(); next != null; next = outbox.poll()) {
                        out.write(next);
                    }
                    out.flush();
                } finally {
                    writing.set(false);
                }
            }
        }

        byte[] readFrame() throws IOException {
            int length = in.readInt();
            if (length < 1 || length > MAX_FRAME_BYTES) {
                throw new IOException("the BMS sent a frame of " + length + " bytes");
            }
            byte[] frame = new byte[length];
            in.readFully(frame);
            return frame;
        }

        /** The reader thread: answers by id until the connection ends, then fails what is left. */
        void read() {
            try {
                while (!closed) {
                    ByteBuffer frame = ByteBuffer.wrap(readFrame());
                    byte type = frame.get();
                    int id = frame.getInt(frame.position());
                    Pending p = id == 0 ? null : pending.remove(id);
                    if (type == DECISION) {
                        if (p != null) {
                            p.result().complete(decision(p, frame));
                        }
                    } else if (type == ERROR) {
                        try {
                            RateLimitException e = error(frame);
                            if (id == 0 && GOODBYE.equals(e.code())) {
                                throw new Goodbye("the BMS closed the idle decision connection: " + e.getMessage());
                            }
                            if (id == 0) {
                                throw new IOException("the BMS closed the decision connection: " + e.getMessage());
                            }
                            if (p != null) {
                                p.result().completeExceptionally(e);
                            }
                        } catch (Unreachable e) {
                            if (id == 0) {
                                throw e;
                            }
                            if (p != null) {
                                p.result().completeExceptionally(e);
                            }
                        }
                    } else {
                        throw new IOException("the BMS sent a frame of unknown type " + type);
                    }
                }
            } catch (IOException | RuntimeException e) {
                close(e);
            }
        }

        private Decision decision(Pending p, ByteBuffer frame) {
            frame.getInt(); // the id
            int flags = frame.get();
            long remaining = frame.getLong();
            long capacity = frame.getLong();
            double refill = frame.getDouble();
            long waitMs = frame.getLong();
            long retryAfterMs = frame.getLong();
            String ruleId = string(frame);
            String key = (flags & 8) != 0 ? string(frame) : p.key(); // 8: the BMS put the client id in the key
            return new Decision(
                    key,
                    (flags & 1) != 0,
                    p.tokens(),
                    remaining,
                    capacity,
                    refill,
                    waitMs,
                    retryAfterMs,
                    ruleId.isEmpty() ? null : ruleId,
                    DecisionSource.BMS);
        }

        void fail(int id, IOException error) {
            Pending p = pending.remove(id);
            if (p != null) {
                p.result().completeExceptionally(error);
            }
        }

        /** Ends the connection and fails every pending acquire as unreachable. Idempotent. */
        void close(Exception cause) {
            if (cause instanceof Goodbye) {
                saidGoodbye = true;
            }
            closed = true;
            try {
                socket.close();
            } catch (IOException e) {
                // already closed
            }
            Unreachable error = new Unreachable("the decision connection to " + host + ":" + port + " ended: " + cause);
            for (Integer id : pending.keySet()) {
                if (saidGoodbye) {
                    resend(id, error);
                } else {
                    fail(id, error);
                }
            }
        }

        /**
         * After the BMS's goodbye: an acquire it left unanswered was never read by it (the goodbye comes after every
         * answer), so it is sent once more on a new connection; a second goodbye for it fails it as unreachable.
         */
        void resend(int id, Unreachable error) {
            Pending p = pending.remove(id);
            if (p == null) {
                return;
            }
            if (p.resent() || DecisionChannel.this.closed) {
                p.result().completeExceptionally(error);
                return;
            }
            acquire(p.key(), p.tokens(), p.maxWaitMs(), p.priority(), true).whenComplete((d, e) -> {
                if (e != null) {
                    p.result().completeExceptionally(e);
                } else {
                    p.result().complete(d);
                }
            });
        }
    }
}
