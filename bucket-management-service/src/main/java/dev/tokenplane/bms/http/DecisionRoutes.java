package dev.tokenplane.bms.http;

import dev.tokenplane.bms.decide.DecisionService;
import dev.tokenplane.bms.metrics.BmsMetrics;
import dev.tokenplane.bms.rules.BucketKeys;
import dev.tokenplane.bms.rules.InvalidInputException;
import dev.tokenplane.store.Tokens;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.tokenplane.bms.rules.InvalidInputException.check;
import static dev.tokenplane.bms.rules.InvalidInputException.checkRange;

/** The decision endpoints: {@code POST /v1/buckets/{key}/acquire} and the batch {@code POST /v1/acquire}. */
public final class DecisionRoutes implements ApiRoutes {
    /** The most decisions one batch may carry. */
    public static final int MAX_BATCH = 1000;

    /** The body of a single acquire; both fields optional (1 token, no wait). */
    public record AcquireBody(Long tokens, Long maxWaitMs) {
    }

    /** One item of a batch. */
    public record BatchItem(String key, Long tokens, Long maxWaitMs) {
    }

    /** The body of a batch. */
    public record BatchBody(List<BatchItem> requests) {
    }

    private final DecisionService decisions;
    private final BmsMetrics metrics;

    public DecisionRoutes(DecisionService decisions, BmsMetrics metrics) {
        this.decisions = decisions;
        this.metrics = metrics;
    }

    @Override
    public void mount(ApiRouter router) {
        router.add(HttpMethod.POST, "/v1/buckets/:key/acquire", Access.DECISION, this::acquire);
        router.add(HttpMethod.POST, "/v1/acquire", Access.DECISION, this::acquireAll);
    }

    private void acquire(RoutingContext ctx) throws Exception {
        long start = System.nanoTime();
        String client = ctx.get(Auth.CLIENT_ID);
        String key = BucketKeys.forClient("key", BucketKeys.check("key", ctx.pathParam("key")), client);
        AcquireBody body = Replies.optionalBody(ctx, AcquireBody.class);
        DecisionService.Request request = body == null
                ? new DecisionService.Request(key, 1, 0)
                : request(key, body.tokens(), body.maxWaitMs());
        Replies.then(ctx, Replies.onContext(decisions.acquire(request, client)), d -> {
            metrics.decisionLatency(System.nanoTime() - start);
            Replies.json(ctx, 200, d);
        });
    }

    private void acquireAll(RoutingContext ctx) throws Exception {
        long start = System.nanoTime();
        BatchBody body = Replies.body(ctx, BatchBody.class);
        check(body.requests() != null, "requests is required");
        int n = body.requests().size();
        check(n >= 1 && n <= MAX_BATCH, "requests must have 1.." + MAX_BATCH + " items, had " + n);
        // Items that fail validation fail alone; the rest go to the store in one call.
        Object[] results = new Object[n];
        List<DecisionService.Request> valid = new ArrayList<>(n);
        List<Integer> positions = new ArrayList<>(n);
        String client = ctx.get(Auth.CLIENT_ID);
        for (int i = 0; i < n; i++) {
            BatchItem item = body.requests().get(i);
            try {
                check(item != null, "must be an object");
                valid.add(request(BucketKeys.forClient("key", BucketKeys.check("key", item.key()), client),
                        item.tokens(), item.maxWaitMs()));
                positions.add(i);
            } catch (InvalidInputException e) {
                // the field names get their place in the batch only when an item fails
                results[i] = ErrorMapper.item(item == null ? null : item.key(),
                        new InvalidInputException("requests[" + i + "]" + (item == null ? " " : ".") + e.getMessage()));
            }
        }
        Replies.then(ctx, Replies.onContext(decisions.acquireAll(valid, client)), items -> {
            for (int j = 0; j < items.size(); j++) {
                DecisionService.BatchItem item = items.get(j);
                results[positions.get(j)] = item instanceof DecisionService.Decided d ? d.decision()
                        : ErrorMapper.item(((DecisionService.Failed) item).key(),
                        ((DecisionService.Failed) item).error());
            }
            metrics.decisionLatency(System.nanoTime() - start);
            Replies.json(ctx, 200, Map.of("results", results));
        });
    }

    /** A validated request: defaults applied, ranges checked, messages naming the fields. */
    static DecisionService.Request request(String key, Long tokens, Long maxWaitMs) {
        long t = tokens == null ? 1 : tokens;
        long w = maxWaitMs == null ? 0 : maxWaitMs;
        if (t < 1 || t > Tokens.MAX_CAPACITY) {
            throw new InvalidInputException("tokens must be in [1, " + Tokens.MAX_CAPACITY
                    + "] (and <= the bucket's capacity), was " + t);
        }
        checkRange("maxWaitMs", w, 0, DecisionService.MAX_WAIT_MS);
        return new DecisionService.Request(key, t, w);
    }
}
