package dev.tokenplane.client.internal;

import dev.tokenplane.client.Decision;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The SDK's side of the BMS's binary decision protocol ({@code docs/decision-protocol.md}, frames in
 * {@link DecisionFrames}): one TCP (or TLS) connection, opened at the first acquire after a failure, authenticated by
 * a {@code HELLO} with the client's API key, carrying pipelined {@code ACQUIRE} frames answered by id.
 *
 * <p>An acquire completes with the {@link Decision}, with the {@link RateLimitException} of a 4xx-class error the BMS
 * answered (as over HTTP), or with an {@link IOException} when the BMS could not answer (connection lost, a 5xx-class
 * error): the {@link BmsGateway} then falls back as it does for HTTP. Concurrent acquires' frames are written
 * together, by whichever caller is writing (a {@link FrameOutbox}); one daemon reader thread per connection
 * completes the futures (continuations run on it, so they must not block; the client hands its own stages to the
 * caller's executor when one is configured). A connection is opened on the channel's own thread, never the caller's.
 *
 * <p>A caller's acquires reach the BMS in the order it made them: every frame goes through the connection's queue,
 * which exists from the moment the connection starts opening (frames queued meanwhile are written, first, once it is
 * open), and the acquires a goodbye left unread are queued on the next connection, in the order they were sent, before
 * any later acquire can reach it.
 */
final class DecisionChannel implements AutoCloseable {

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
            CompletableFuture<Decision> result) {
        Pending again() {
            return new Pending(key, tokens, maxWaitMs, priority, true, result);
        }
    }

    /** The BMS's goodbye on an idle connection (an id-0 {@code ERROR} with code {@link DecisionFrames#GOODBYE}). */
    private static final class Goodbye extends IOException {
        Goodbye(String message) {
            super(message);
        }
    }

    private final String host;
    private final int port;
    private final String apiKey;
    private final SSLContext tls;
    private final int connectTimeoutMs;
    private final AtomicInteger ids = new AtomicInteger();
    /** Held to replace the current connection (never for I/O): not on the path of an acquire on an open connection. */
    private final Object replacing = new Object();
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
     * timeout when the BMS is down) on the channel's own thread, which then writes what was queued meanwhile.
     */
    CompletableFuture<Decision> acquire(String key, long tokens, long maxWaitMs, Priority priority) {
        CompletableFuture<Decision> result = new CompletableFuture<>();
        Connection c = current;
        if (c == null || c.closed) {
            c = connection();
        }
        Pending p = new Pending(key, tokens, maxWaitMs, priority, false, result);
        if (c == null) {
            result.completeExceptionally(new IOException("the client is closed"));
        } else {
            send(c, p);
        }
        return result;
    }

    private void send(Connection c, Pending p) {
        int id = nextId();
        byte[] frame = DecisionFrames.acquire(id, p.key(), p.tokens(), p.maxWaitMs(), p.priority());
        c.pending.put(id, p);
        if (c.closed) { // lost while registering: its reader may have failed or moved the others already
            c.settle(id, c.endedBy); // as the others: a refused API key stays a refusal, not an unreachable BMS
            return;
        }
        c.outbox.write(frame);
    }

    /** Closes an open connection now (its pending acquires fail); the next acquire opens a new one. */
    void reset() {
        Connection c = current;
        if (c != null && c.ready) { // one still opening ends by itself, within the connect timeout
            c.close(new Unreachable("the decision connection was reset after a timeout"));
        }
    }

    @Override
    public void close() {
        closed = true;
        opener.shutdown();
        Connection c = current;
        if (c != null) {
            c.close(new Unreachable("the client is closed"));
        }
    }

    private int nextId() {
        int id = ids.incrementAndGet();
        return id == 0 ? ids.incrementAndGet() : id; // 0 is the connection's own id
    }

    /** The current connection, open or opening; a new one, opening, when it is closed; null once the channel is. */
    private Connection connection() {
        synchronized (replacing) {
            if (closed) {
                return null;
            }
            Connection c = current;
            if (c == null || c.closed) {
                c = new Connection();
                current = c;
                c.startOpening();
            }
            return c;
        }
    }

    /**
     * One connection, from the moment it starts opening: frames queue in its {@link #outbox} meanwhile, which the
     * opener opens, so that they are written, once the BMS answered the {@code HELLO}.
     */
    private final class Connection {
        final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
        /** The frames to write; a failed write closes the connection. */
        final FrameOutbox outbox = new FrameOutbox(this::close);

        DataInputStream in;
        volatile Socket socket;
        /** The BMS answered the {@code HELLO}. */
        volatile boolean ready;

        volatile boolean closed;
        /** The BMS ended this connection with a goodbye: set before {@link #closed}. */
        volatile boolean saidGoodbye;
        /** What its pending acquires fail with (see {@link #close}): set before {@link #closed}. */
        volatile Exception endedBy;

        void startOpening() {
            try {
                opener.execute(this::open);
            } catch (RejectedExecutionException e) {
                close(new IOException("the client is closed"));
            }
        }

        /** On the opener's thread: connect, TLS, {@code HELLO}; then the reader starts and the queue is written. */
        private void open() {
            try {
                Socket s = new Socket();
                socket = s;
                if (closed) { // closed before the socket was there to close
                    s.close();
                    return;
                }
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(host, port), connectTimeoutMs);
                if (tls != null) {
                    SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(s, host, port, true);
                    SSLParameters parameters = secured.getSSLParameters();
                    parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the BMS's name, as for its HTTPS URL
                    secured.setSSLParameters(parameters);
                    s = secured;
                    socket = s;
                }
                s.setSoTimeout(connectTimeoutMs); // for the HELLO's answer only
                OutputStream out = new BufferedOutputStream(s.getOutputStream(), 8 * 1024);
                in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 16 * 1024));
                out.write(DecisionFrames.hello(apiKey));
                out.flush();
                ByteBuffer answer = ByteBuffer.wrap(readFrame());
                byte type = answer.get();
                if (type == DecisionFrames.ERROR) {
                    throw DecisionFrames.error(answer); // a refused API key: 401 unauthorized, as over HTTP
                }
                if (type != DecisionFrames.READY) {
                    throw new IOException("the BMS answered the HELLO with a frame of type " + type);
                }
                s.setSoTimeout(0);
                ready = true;
                Thread reader = new Thread(this::read, "tokenplane-decision-reader");
                reader.setDaemon(true);
                reader.start();
                outbox.open(out); // writes what callers queued while it opened, in their order
            } catch (IOException | RuntimeException e) {
                close(e);
            }
        }

        byte[] readFrame() throws IOException {
            int length = in.readInt();
            if (length < 1 || length > DecisionFrames.MAX_FRAME_BYTES) {
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
                    if (type == DecisionFrames.DECISION) {
                        if (p != null) {
                            p.result().complete(DecisionFrames.decision(frame, p.key(), p.tokens()));
                        }
                    } else if (type == DecisionFrames.ERROR) {
                        answerError(frame, id, p);
                    } else {
                        throw new IOException("the BMS sent a frame of unknown type " + type);
                    }
                }
            } catch (IOException | RuntimeException e) {
                close(e);
            }
        }

        /** An {@code ERROR} frame: fails its acquire, or ends the connection (id 0: a goodbye or another end). */
        private void answerError(ByteBuffer frame, int id, Pending p) throws IOException {
            Exception error;
            try {
                error = DecisionFrames.error(frame);
            } catch (Unreachable e) {
                error = e; // a 5xx-class error
            }
            if (id != 0) {
                if (p != null) {
                    p.result().completeExceptionally(error);
                }
            } else if (error instanceof RateLimitException e && DecisionFrames.GOODBYE.equals(e.code())) {
                throw new Goodbye("the BMS closed the idle decision connection: " + e.getMessage());
            } else {
                throw error instanceof Unreachable u
                        ? u
                        : new IOException("the BMS closed the decision connection: " + error.getMessage());
            }
        }

        /**
         * Ends the connection and fails every pending acquire, or, after a goodbye, sends them again. Idempotent. Its
         * error: {@code cause} itself while opening (a refused API key stays a {@code RateLimitException}), else
         * unreachable.
         */
        void close(Exception cause) {
            synchronized (replacing) { // so that no acquire gets past the ones a goodbye sends again
                if (!closed) {
                    saidGoodbye = cause instanceof Goodbye && !DecisionChannel.this.closed;
                    endedBy = !ready && cause != null
                            ? cause
                            : new Unreachable("the decision connection to " + host + ":" + port + " ended: " + cause);
                    closed = true;
                    if (saidGoodbye && !pending.isEmpty()) {
                        sendUnreadAgain();
                    }
                }
            }
            Socket s = socket;
            try {
                if (s != null) {
                    s.close();
                }
            } catch (IOException e) {
                // already closed
            }
            for (Integer id : pending.keySet()) {
                settle(id, endedBy);
            }
        }

        /**
         * After the BMS's goodbye, holding {@link #replacing}: an acquire it left unanswered was never read by it (the
         * goodbye comes after every answer), so it is queued once more on a new connection, in the order the acquires
         * were sent (their ids; a caller's later acquire has a later id), before the connection becomes current, so
         * that no later acquire goes first. A second goodbye for an acquire fails it as unreachable.
         */
        private void sendUnreadAgain() {
            List<Integer> unread = new ArrayList<>(pending.keySet());
            unread.sort((a, b) -> Integer.compare(a - b, 0)); // ids wrap around: all pending are far closer than 2^31
            Connection next = new Connection();
            for (Integer id : unread) {
                Pending p = pending.remove(id);
                if (p != null && p.resent()) {
                    p.result().completeExceptionally(new Unreachable("the BMS said goodbye to it twice"));
                } else if (p != null) {
                    send(next, p.again());
                }
            }
            current = next;
            next.startOpening();
        }

        /** A pending acquire this connection will not answer: sent again after a goodbye, else failed with error. */
        void settle(int id, Exception error) {
            Pending p = pending.remove(id);
            if (p == null) {
                return;
            }
            Connection next = saidGoodbye && !p.resent() ? connection() : null;
            if (next == null) {
                p.result().completeExceptionally(error);
            } else {
                send(next, p.again());
            }
        }
    }
}
