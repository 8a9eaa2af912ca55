package dev.tokenplane.bms.wire;

import dev.tokenplane.bms.budget.ClientRefusalLimit;
import dev.tokenplane.bms.decide.BucketBinding;
import dev.tokenplane.bms.decide.BucketBudgetExhaustedException;
import dev.tokenplane.bms.decide.Decision;
import dev.tokenplane.bms.decide.DecisionService;
import dev.tokenplane.bms.http.Caller;
import dev.tokenplane.bms.http.DecisionRoutes;
import dev.tokenplane.bms.http.ErrorMapper;
import dev.tokenplane.bms.rules.BucketKeys;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.concurrent.CompletionException;

/**
 * One connection of the decision protocol ({@link DecisionFrames}): a {@code HELLO} with an API key first, then
 * pipelined {@code ACQUIRE} frames answered by id, in the order their decisions complete.
 *
 * <p>Runs on its socket's event loop (decisions complete elsewhere and come back to it); never blocks. A frame longer
 * than the limit or breaking the layout is answered with a connection error (id 0) and the connection is closed. At
 * most {@code maxInFlight} decisions are pending at once: past that, the socket is not read (TCP pushes back on the
 * client) until half of them have been answered. Nor is it read while its answers wait to be written (a client that
 * sends without reading would otherwise make the member hold every answer in memory): it is read again once the
 * socket's write queue has drained.
 */
final class DecisionConnection {
    private final NetSocket socket;
    private final Context context;
    private final DecisionWire wire;
    private final RecordParser parser;
    private boolean readingLength = true;
    private boolean greeted;
    private boolean closing;
    private int inFlight;
    private boolean pausedForInFlight;
    private boolean pausedForWrites;
    private Caller caller;

    DecisionConnection(NetSocket socket, DecisionWire wire) {
        this.socket = socket;
        this.context = Vertx.currentContext();
        this.wire = wire;
        this.parser = RecordParser.newFixed(4, socket);
        parser.handler(this::record);
        parser.exceptionHandler(e -> socket.close());
        socket.closeHandler(v -> closing = true);
        socket.drainHandler(v -> {
            pausedForWrites = false;
            resumeIfAllowed();
        });
    }

    /** Writes an answer; a full write queue stops the reading until it drains. */
    private void write(Buffer frame) {
        socket.write(frame);
        if (!pausedForWrites && socket.writeQueueFull()) {
            pausedForWrites = true;
            parser.pause();
        }
    }

    private void resumeIfAllowed() {
        if (!closing && !pausedForInFlight && !pausedForWrites) {
            parser.resume();
        }
    }

    /** A length prefix or a whole frame, as {@link RecordParser} cuts them. */
    private void record(Buffer record) {
        if (closing) {
            return;
        }
        if (readingLength) {
            int length = record.getInt(0);
            if (length < 1) {
                fail(400, "bad_request", "frame length must be >= 1, was " + length);
            } else if (length > wire.maxFrameBytes()) {
                fail(413, "too_large", "frames are at most " + wire.maxFrameBytes() + " bytes, this one " + length);
            } else {
                readingLength = false;
                parser.fixedSizeMode(length);
            }
            return;
        }
        readingLength = true;
        parser.fixedSizeMode(4);
        try {
            frame(record);
        } catch (DecisionFrames.MalformedFrameException e) {
            fail(400, "bad_request", e.getMessage());
        }
    }

    private void frame(Buffer frame) {
        if (!greeted) {
            String apiKey = DecisionFrames.helloApiKey(frame);
            try {
                caller = wire.auth().decisionCaller(apiKey); // null: decisions need no key on this member
            } catch (RuntimeException e) {
                ErrorMapper.ApiError error = ErrorMapper.classify(e, -1);
                fail(error.status(), error.error(), error.message());
                return;
            }
            greeted = true;
            write(DecisionFrames.ready());
            return;
        }
        DecisionFrames.checkAcquire(frame);
        acquire(frame);
    }

    private void acquire(Buffer frame) {
        long start = System.nanoTime();
        int id = DecisionFrames.acquireId(frame);
        String client = caller == null ? null : caller.name(); // an API key's caller is named by its client id
        DecisionService.Request request;
        boolean rewritten;
        try {
            long waitMs = wire.refusals().anyCharged() ? wire.refusals().retryAfterMs(identity(client), wire.now()) : 0;
            if (waitMs > 0) {
                write(DecisionFrames.error(
                        id,
                        429,
                        "creation_rate_exceeded",
                        "this client was refused new buckets (bucket_budget_exhausted) more often than "
                                + "BMS_CLIENT_REFUSALS_PER_SECOND allows; its decisions are refused until retryAfterMs",
                        waitMs));
                return;
            }
            String asked = BucketKeys.check("key", DecisionFrames.acquireKey(frame));
            String key = BucketKeys.forClient("key", asked, client);
            rewritten = !key.equals(asked);
            request = DecisionRoutes.request(
                    key,
                    DecisionFrames.acquireTokens(frame),
                    DecisionFrames.acquireMaxWaitMs(frame),
                    DecisionFrames.acquirePriority(frame));
        } catch (DecisionFrames.MalformedFrameException e) {
            throw e;
        } catch (RuntimeException e) {
            answerError(id, e);
            return;
        }
        if (++inFlight >= wire.maxInFlight() && !pausedForInFlight) {
            pausedForInFlight = true;
            parser.pause();
        }
        boolean sendKey = rewritten;
        BucketBinding binding;
        try {
            binding = wire.decisions().bind(request.key(), client, caller == null ? null : caller.tier());
        } catch (RuntimeException e) {
            answer(id, start, client, sendKey, null, e);
            return;
        }
        Decision now = wire.decisions().acquireNow(request, binding); // a hot key's member-local lease, on this thread
        if (now != null) {
            answer(id, start, client, sendKey, now, null);
            return;
        }
        wire.decisions().acquire(request, binding).whenComplete((decision, failure) -> {
            if (Vertx.currentContext() == context) {
                answer(id, start, client, sendKey, decision, failure);
            } else {
                context.runOnContext(v -> answer(id, start, client, sendKey, decision, failure));
            }
        });
    }

    private void answer(int id, long start, String client, boolean sendKey, Decision decision, Throwable failure) {
        if (--inFlight <= wire.maxInFlight() / 2 && pausedForInFlight) {
            pausedForInFlight = false;
            resumeIfAllowed();
        }
        if (failure == null) {
            wire.metrics().decisionLatency(System.nanoTime() - start);
            write(DecisionFrames.decision(id, decision, sendKey));
            return;
        }
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof BucketBudgetExhaustedException) {
            wire.refusals().refused(identity(client), 1, wire.now());
        }
        answerError(id, cause);
    }

    private void answerError(int id, Throwable failure) {
        ErrorMapper.ApiError error = ErrorMapper.classify(failure, -1);
        write(DecisionFrames.error(
                id, error.status(), error.error(), error.message(), error.retryAfterSeconds() * 1_000));
    }

    /** A connection error (id 0): answered, then the connection closes; nothing more is read from it. */
    private void fail(int status, String code, String message) {
        closing = true;
        parser.pause();
        socket.end(DecisionFrames.error(0, status, code, message, 0));
    }

    /** Who is charged for bucket-budget refusals ({@link ClientRefusalLimit}): as the HTTP decisions do. */
    private String identity(String client) {
        return client != null
                ? "client:" + client
                : "address:" + socket.remoteAddress().hostAddress();
    }
}
