package dev.tokenplane.bms.wire;

import dev.tokenplane.bms.budget.ClientRefusalLimit;
import dev.tokenplane.bms.decide.BucketBudgetExhaustedException;
import dev.tokenplane.bms.decide.Decision;
import dev.tokenplane.bms.decide.DecisionService;
import dev.tokenplane.bms.http.Caller;
import dev.tokenplane.bms.http.DecisionRoutes;
import dev.tokenplane.bms.http.ErrorMapper;
import dev.tokenplane.bms.metrics.BmsMetrics;
import dev.tokenplane.bms.rules.BucketKeys;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * One connection of the decision protocol ({@link DecisionFrames}): a {@code HELLO} with an API key first, then
 * pipelined {@code ACQUIRE} frames answered by id, in the order their decisions complete.
 *
 * <p>Runs on its socket's event loop; never blocks. Frames are read in place from the socket's buffers
 * ({@link FrameCutter}). Answers are written in batches: those of one read (decisions answered at once, errors) in one
 * write at its end, and decisions completing on other threads (the partition threads) are queued and written by one
 * task on the event loop, all those queued meanwhile in one write, rather than one task and one write each.
 *
 * <p>A frame longer than the limit or breaking the layout is answered with a connection error (id 0) and the
 * connection is closed. At most {@code maxInFlight} decisions are pending at once: past that, the socket is not read
 * (TCP pushes back on the client) until half of them have been answered. Nor is it read while its answers wait to be
 * written (a client that sends without reading would otherwise make the member hold every answer in memory): it is
 * read again once the socket's write queue has drained. Idle connections end with {@link IdleClose}.
 */
final class DecisionConnection implements FrameCutter.Sink {
    private final NetSocket socket;
    private final Context context;
    private final DecisionWire wire;
    private final FrameCutter cutter;
    private final IdleClose idle;
    /** Decisions completed on other threads, waiting for the event loop. */
    private final ConcurrentLinkedQueue<Pending> completed = new ConcurrentLinkedQueue<>();

    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Handler<Void> drain = v -> drainCompleted();
    private boolean greeted;
    private boolean closing;
    /** Cutting frames: answers given at once wait for the end of the read, to go in one write. */
    private boolean reading;

    private int inFlight;
    private boolean pausedForInFlight;
    private boolean pausedForWrites;
    /** Answers not written yet (null when none): written at the end of a read or of a drain. */
    private Buffer out;

    private Caller caller;
    /** The last rule id answered and its bytes: most connections see a few rules. */
    private String lastRuleId = "";

    private byte[] lastRuleBytes = new byte[0];

    DecisionConnection(NetSocket socket, DecisionWire wire) {
        this.socket = socket;
        this.context = Vertx.currentContext();
        this.wire = wire;
        this.cutter = new FrameCutter(wire.maxFrameBytes(), this);
        this.idle = new IdleClose(context.owner(), wire.idleTimeoutMs(), this::idleFor);
        socket.handler(this::read);
        socket.exceptionHandler(e -> socket.close());
        socket.closeHandler(v -> {
            closing = true;
            idle.stop();
        });
        socket.drainHandler(v -> {
            pausedForWrites = false;
            resumeIfAllowed();
        });
    }

    private void read(Buffer data) {
        idle.touch();
        reading = true;
        try {
            cutter.feed(data);
        } finally {
            reading = false;
        }
        afterAnswers();
    }

    @Override
    public boolean accepting() {
        return !closing && !pausedForInFlight && !pausedForWrites;
    }

    @Override
    public void badLength(int length) {
        if (length < 1) {
            fail(400, "bad_request", "frame length must be >= 1, was " + length);
        } else {
            fail(413, "too_large", "frames are at most " + wire.maxFrameBytes() + " bytes, this one " + length);
        }
    }

    @Override
    public void frame(Buffer data, int at, int length) {
        try {
            if (greeted) {
                DecisionFrames.checkAcquire(data, at, length);
                acquire(data, at, length);
            } else {
                hello(DecisionFrames.helloApiKey(data, at, length));
            }
        } catch (DecisionFrames.MalformedFrameException e) {
            fail(400, "bad_request", e.getMessage());
        }
    }

    private void hello(String apiKey) {
        try {
            caller = wire.auth().decisionCaller(apiKey); // null: decisions need no key on this member
        } catch (RuntimeException e) {
            ErrorMapper.ApiError error = ErrorMapper.classify(e, -1);
            fail(error.status(), error.error(), error.message());
            return;
        }
        greeted = true;
        DecisionFrames.appendReady(output());
    }

    private void acquire(Buffer data, int at, int length) {
        long start = System.nanoTime();
        int id = DecisionFrames.acquireId(data, at);
        String client = caller == null ? null : caller.name(); // an API key's caller is named by its client id
        DecisionService.Request request;
        boolean rewritten;
        try {
            long waitMs = wire.refusals().anyCharged() ? wire.refusals().retryAfterMs(identity(client), wire.now()) : 0;
            if (waitMs > 0) {
                DecisionFrames.appendError(
                        output(),
                        id,
                        429,
                        "creation_rate_exceeded",
                        "this client was refused new buckets (bucket_budget_exhausted) more often than "
                                + "BMS_CLIENT_REFUSALS_PER_SECOND allows; its decisions are refused until retryAfterMs",
                        waitMs);
                return;
            }
            String asked = BucketKeys.check("key", DecisionFrames.acquireKey(data, at, length));
            String key = BucketKeys.forClient("key", asked, client);
            rewritten = !key.equals(asked);
            request = DecisionRoutes.request(
                    key,
                    DecisionFrames.acquireTokens(data, at),
                    DecisionFrames.acquireMaxWaitMs(data, at),
                    DecisionFrames.acquirePriority(data, at));
        } catch (DecisionFrames.MalformedFrameException e) {
            throw e;
        } catch (RuntimeException e) {
            appendError(id, e);
            return;
        }
        if (++inFlight >= wire.maxInFlight() && !pausedForInFlight) {
            pausedForInFlight = true;
            socket.pause();
        }
        wire.decisions()
                .acquire(request, client, caller == null ? null : caller.tier())
                .whenComplete(new Pending(id, start, client, rewritten));
    }

    /** A decision on its way: completed on any thread, answered on the event loop. */
    private final class Pending implements BiConsumer<Decision, Throwable> {
        final int id;
        final long start;
        final String client;
        final boolean sendKey;
        Decision decision;
        Throwable failure;

        Pending(int id, long start, String client, boolean sendKey) {
            this.id = id;
            this.start = start;
            this.client = client;
            this.sendKey = sendKey;
        }

        @Override
        public void accept(Decision d, Throwable f) {
            decision = d;
            failure = f;
            if (Vertx.currentContext() == context) { // answered at once (a hot key's lease, say), in a read
                answer(this);
                if (!reading) {
                    afterAnswers();
                }
                return;
            }
            completed.add(this); // published to the event loop by the queue
            if (!drainScheduled.getAndSet(true)) {
                context.runOnContext(drain);
            }
        }
    }

    private void drainCompleted() {
        drainScheduled.set(false); // first: a decision queued from now on schedules another drain
        for (Pending p = completed.poll(); p != null; p = completed.poll()) {
            answer(p);
        }
        afterAnswers();
    }

    private void afterAnswers() {
        flush();
        if (pausedForInFlight && inFlight <= wire.maxInFlight() / 2) {
            pausedForInFlight = false;
            resumeIfAllowed();
        }
    }

    private void answer(Pending p) {
        inFlight--;
        idle.touch();
        if (closing) {
            return;
        }
        if (p.failure == null) {
            wire.metrics().decisionLatency(BmsMetrics.Transport.BINARY, System.nanoTime() - p.start);
            Decision d = p.decision;
            byte[] key = p.sendKey ? d.key().getBytes(StandardCharsets.UTF_8) : null;
            DecisionFrames.appendDecision(output(), p.id, d, ruleBytes(d.ruleId()), key);
            return;
        }
        Throwable cause = p.failure instanceof CompletionException && p.failure.getCause() != null
                ? p.failure.getCause()
                : p.failure;
        if (cause instanceof BucketBudgetExhaustedException) {
            wire.refusals().refused(identity(p.client), 1, wire.now());
        }
        appendError(p.id, cause);
    }

    private byte[] ruleBytes(String ruleId) {
        String id = ruleId == null ? "" : ruleId;
        if (!id.equals(lastRuleId)) {
            lastRuleBytes = id.getBytes(StandardCharsets.UTF_8);
            lastRuleId = id;
        }
        return lastRuleBytes;
    }

    private void appendError(int id, Throwable failure) {
        ErrorMapper.ApiError error = ErrorMapper.classify(failure, -1);
        DecisionFrames.appendError(
                output(), id, error.status(), error.error(), error.message(), error.retryAfterSeconds() * 1_000);
    }

    private Buffer output() {
        if (out == null) {
            out = Buffer.buffer(1_024);
        }
        return out;
    }

    /** Writes the answers gathered; a full write queue stops the reading until it drains. */
    private void flush() {
        if (out == null) {
            return;
        }
        Buffer batch = out;
        out = null;
        if (closing) {
            return;
        }
        socket.write(batch);
        if (!pausedForWrites && socket.writeQueueFull()) {
            pausedForWrites = true;
            socket.pause();
        }
    }

    private void resumeIfAllowed() {
        if (accepting()) {
            reading = true;
            try {
                cutter.drain(); // frames that arrived before the pause first
            } finally {
                reading = false;
            }
            flush();
            if (accepting()) {
                socket.resume();
            }
        }
    }

    /** Called by {@link IdleClose} when nothing was read or answered for {@code idleMs}. */
    private void idleFor(long idleMs) {
        if (closing || inFlight > 0) {
            return; // a decision still pending: not idle
        }
        fail(408, IdleClose.CODE, "no frame for " + idleMs + " ms; every request read on this connection was answered");
    }

    /** A connection error (id 0): answered, then the connection closes; nothing more is read from it. */
    private void fail(int status, String code, String message) {
        Buffer last = DecisionFrames.appendError(output(), 0, status, code, message, 0);
        out = null;
        closing = true;
        idle.stop();
        socket.pause();
        socket.end(last);
    }

    /** Who is charged for bucket-budget refusals ({@link ClientRefusalLimit}): as the HTTP decisions do. */
    private String identity(String client) {
        return client != null
                ? "client:" + client
                : "address:" + socket.remoteAddress().hostAddress();
    }
}
