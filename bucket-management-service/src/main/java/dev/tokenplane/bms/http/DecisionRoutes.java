package dev.tokenplane.bms.http;

import static dev.tokenplane.bms.rules.InvalidInputException.check;
import static dev.tokenplane.bms.rules.InvalidInputException.checkRange;

import dev.tokenplane.bms.budget.ClientRefusalLimit;
import dev.tokenplane.bms.decide.AtomicDecisions;
import dev.tokenplane.bms.decide.BucketBinding;
import dev.tokenplane.bms.decide.BucketBudgetExhaustedException;
import dev.tokenplane.bms.decide.Decision;
import dev.tokenplane.bms.decide.DecisionService;
import dev.tokenplane.bms.metrics.BmsMetrics;
import dev.tokenplane.bms.rules.BucketKeys;
import dev.tokenplane.bms.rules.InvalidInputException;
import dev.tokenplane.store.Priority;
import dev.tokenplane.store.Tokens;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** The decision endpoints: {@code POST /v1/buckets/{key}/acquire} and the batch {@code POST /v1/acquire}. */
public final class DecisionRoutes implements ApiRoutes {
    /** The most decisions one batch may carry. */
    public static final int MAX_BATCH = 1000;

    /** The body of a single acquire; every field optional (1 token, no wait, priority normal). */
    public record AcquireBody(Long tokens, Long maxWaitMs, String priority) {}

    /** One item of a batch. */
    public record BatchItem(String key, Long tokens, Long maxWaitMs, String priority) {}

    /** The body of a batch; {@code atomic}: every item granted, or none keeps its tokens. */
    public record BatchBody(List<BatchItem> requests, Boolean atomic) {}

    private final DecisionService decisions;
    private final AtomicDecisions atomic;
    private final BmsMetrics metrics;
    private final ClientRefusalLimit refusals;
    private final InstantSource clock;
    private final HeldRefusals held = new HeldRefusals();

    public DecisionRoutes(DecisionService decisions, AtomicDecisions atomic, BmsMetrics metrics) {
        this(decisions, atomic, metrics, new ClientRefusalLimit(0, 0), InstantSource.system());
    }

    /** With {@code refusals}: a client refused new buckets too often gets 429 before its body is read. */
    public DecisionRoutes(
            DecisionService decisions,
            AtomicDecisions atomic,
            BmsMetrics metrics,
            ClientRefusalLimit refusals,
            InstantSource clock) {
        this.decisions = decisions;
        this.atomic = atomic;
        this.metrics = metrics;
        this.refusals = refusals;
        this.clock = clock;
    }

    @Override
    public void mount(ApiRouter router) {
        // the single acquire reads its small body itself (SmallBody): the hot key's path, measured against /health/live
        router.addSmallBody(
                HttpMethod.POST, "/v1/buckets/:key/acquire", Access.DECISION, this::throttle, this::acquire);
        router.add(HttpMethod.POST, "/v1/acquire", Access.DECISION, ctx -> throttle(ctx, ctx::next), this::acquireAll);
    }

    private void acquire(RoutingContext ctx, Buffer rawBody) throws Exception {
        long start = System.nanoTime();
        String client = ctx.get(Auth.CLIENT_ID);
        String key = BucketKeys.forClient("key", BucketKeys.check("key", ctx.pathParam("key")), client);
        AcquireBody body = DecisionJson.readAcquire(rawBody);
        DecisionService.Request request = body == null
                ? new DecisionService.Request(key, 1, 0)
                : request(key, body.tokens(), body.maxWaitMs(), body.priority());
        BucketBinding binding;
        try {
            binding = decisions.bind(key, client, ctx.get(Auth.CLIENT_TIER));
        } catch (RuntimeException e) {
            ErrorMapper.respond(ctx, e);
            return;
        }
        // a hot key's member-local lease answers on this thread: no future, no hop back to the context
        Decision now = decisions.acquireNow(request, binding);
        if (now != null) {
            answer(ctx, start, now);
            return;
        }
        Replies.then(
                ctx, Replies.onContext(charged(ctx, decisions.acquire(request, binding))), d -> answer(ctx, start, d));
    }

    private void answer(RoutingContext ctx, long start, Decision d) {
        metrics.decisionLatency(BmsMetrics.Transport.HTTP, System.nanoTime() - start);
        Replies.json(ctx, 200, DecisionJson.write(d));
    }

    private void acquireAll(RoutingContext ctx) throws Exception {
        long start = System.nanoTime();
        BatchBody body = Replies.body(ctx, BatchBody.class);
        check(body.requests() != null, "requests is required");
        int n = body.requests().size();
        check(n >= 1 && n <= MAX_BATCH, "requests must have 1.." + MAX_BATCH + " items, had " + n);
        if (Boolean.TRUE.equals(body.atomic())) {
            acquireAtomically(ctx, body.requests(), start);
            return;
        }
        // Items that fail validation fail alone; the rest go to the store in one call.
        Object[] results = new Object[n];
        List<DecisionService.Request> valid = new ArrayList<>(n);
        List<Integer> positions = new ArrayList<>(n);
        String client = ctx.get(Auth.CLIENT_ID);
        for (int i = 0; i < n; i++) {
            BatchItem item = body.requests().get(i);
            try {
                check(item != null, "must be an object");
                valid.add(request(
                        BucketKeys.forClient("key", BucketKeys.check("key", item.key()), client),
                        item.tokens(),
                        item.maxWaitMs(),
                        item.priority()));
                positions.add(i);
            } catch (InvalidInputException e) {
                // the field names get their place in the batch only when an item fails
                results[i] = ErrorMapper.item(
                        item == null ? null : item.key(),
                        new InvalidInputException("requests[" + i + "]" + (item == null ? " " : ".") + e.getMessage()));
            }
        }
        Replies.then(ctx, Replies.onContext(decisions.acquireAll(valid, client, ctx.get(Auth.CLIENT_TIER))), items -> {
            int refused = 0;
            for (int j = 0; j < items.size(); j++) {
                DecisionService.BatchItem item = items.get(j);
                if (item instanceof DecisionService.Failed f && f.error() instanceof BucketBudgetExhaustedException) {
                    refused++;
                }
                results[positions.get(j)] = item instanceof DecisionService.Decided d
                        ? d.decision()
                        : ErrorMapper.item(
                                ((DecisionService.Failed) item).key(), ((DecisionService.Failed) item).error());
            }
            if (refused > 0) {
                refusals.refused(refusalIdentity(ctx), refused, clock.millis());
            }
            metrics.decisionLatency(BmsMetrics.Transport.HTTP, System.nanoTime() - start);
            Replies.json(ctx, 200, Map.of("results", results));
        });
    }

    /** An all-or-nothing batch: an item that fails validation fails the whole request, before any token is taken. */
    private void acquireAtomically(RoutingContext ctx, List<BatchItem> items, long start) {
        String client = ctx.get(Auth.CLIENT_ID);
        List<DecisionService.Request> requests = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            BatchItem item = items.get(i);
            try {
                check(item != null, "must be an object");
                requests.add(request(
                        BucketKeys.forClient("key", BucketKeys.check("key", item.key()), client),
                        item.tokens(),
                        item.maxWaitMs(),
                        item.priority()));
            } catch (InvalidInputException e) {
                throw new InvalidInputException("requests[" + i + "]" + (item == null ? " " : ".") + e.getMessage());
            }
        }
        Replies.then(
                ctx,
                Replies.onContext(charged(ctx, atomic.acquire(requests, client, ctx.get(Auth.CLIENT_TIER)))),
                o -> {
                    metrics.decisionLatency(BmsMetrics.Transport.HTTP, System.nanoTime() - start);
                    Replies.json(ctx, 200, o);
                });
    }

    /**
     * Before the body is read: a client that was refused new buckets more often than {@link ClientRefusalLimit}
     * allows gets 429 {@code creation_rate_exceeded} without any store call, after a hold ({@link HeldRefusals}), so
     * that a key flood past a full budget costs the member almost nothing.
     */
    private void throttle(RoutingContext ctx, Runnable next) {
        if (!refusals.anyCharged()) { // the common case: no identity to build (a string per request)
            next.run();
            return;
        }
        long waitMs = refusals.retryAfterMs(refusalIdentity(ctx), clock.millis());
        if (waitMs <= 0) {
            next.run();
            return;
        }
        held.refuse(ctx, waitMs, DecisionRoutes::creationRateExceeded);
    }

    private static ErrorMapper.ApiError creationRateExceeded(long waitMs) {
        return new ErrorMapper.ApiError(
                429,
                "creation_rate_exceeded",
                "this client was refused new "
                        + "buckets (bucket_budget_exhausted) more often than BMS_CLIENT_REFUSALS_PER_SECOND allows; its "
                        + "decisions are refused until Retry-After",
                Math.max(1, (waitMs + 999) / 1000));
    }

    /** {@code decision}, charging a bucket-budget refusal to its client. */
    private <T> CompletionStage<T> charged(RoutingContext ctx, CompletionStage<T> decision) {
        return decision.whenComplete((ok, failure) -> {
            Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof BucketBudgetExhaustedException) {
                refusals.refused(refusalIdentity(ctx), 1, clock.millis());
            }
        });
    }

    /** Who is charged for refusals: the API key's client id, else the remote address (never a secret). */
    private static String refusalIdentity(RoutingContext ctx) {
        String client = ctx.get(Auth.CLIENT_ID);
        if (client != null) {
            return "client:" + client;
        }
        var remote = ctx.request().remoteAddress();
        return remote == null ? "address:?" : "address:" + remote.hostAddress();
    }

    /** A validated request: defaults applied, ranges checked, messages naming the fields (any transport). */
    public static DecisionService.Request request(String key, Long tokens, Long maxWaitMs, String priority) {
        long t = tokens == null ? 1 : tokens;
        long w = maxWaitMs == null ? 0 : maxWaitMs;
        if (t < 1 || t > Tokens.MAX_CAPACITY) {
            throw new InvalidInputException(
                    "tokens must be in [1, " + Tokens.MAX_CAPACITY + "] (and <= the bucket's capacity), was " + t);
        }
        checkRange("maxWaitMs", w, 0, DecisionService.MAX_WAIT_MS);
        Priority p;
        try {
            p = Priority.parse(priority);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
        return new DecisionService.Request(key, t, w, p);
    }
}
