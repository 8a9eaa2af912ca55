package dev.tokenplane.bms.http;

import static dev.tokenplane.bms.rules.InvalidInputException.check;
import static dev.tokenplane.bms.rules.InvalidInputException.checkRange;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.tokenplane.bms.decide.BucketBinding;
import dev.tokenplane.bms.decide.Decision;
import dev.tokenplane.bms.decide.DecisionService;
import dev.tokenplane.bms.leases.LeaseLedger;
import dev.tokenplane.bms.leases.LeaseService;
import dev.tokenplane.bms.metrics.BmsMetrics;
import dev.tokenplane.bms.rules.BucketKeys;
import dev.tokenplane.store.Tokens;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The contract extension for client token leases.
 *
 * <ul>
 *   <li>{@code POST /v1/buckets/{key}/lease} with {@code {"tokens": n, "ttlMs": t}} is an acquire (same decision,
 *       same access, same errors; no waiting) that, when granted, also records a lease of the n tokens in the
 *       {@link LeaseLedger} and answers the decision plus {@code leaseId} and {@code leaseExpiresAt}.</li>
 *   <li>{@code POST /v1/buckets/{key}/release} with {@code {"leaseId": id, "tokens": m}} ends that lease and credits
 *       {@code min(m, tokens leased)} back to the bucket. An id that is unknown, expired, already released, of another
 *       bucket or of another client answers 404 {@code not_found} and changes nothing.</li>
 * </ul>
 *
 * <p>The routes parse and check; {@link LeaseService} leases and releases (the order of a release and why is
 * described there).
 */
public final class LeaseRoutes implements ApiRoutes {
    /** The life of a lease when the request does not say. */
    public static final long DEFAULT_TTL_MS = 30_000;
    /** The shortest life a lease may ask for. */
    public static final long MIN_TTL_MS = 100;

    /** The body of a lease: tokens (default 1) and its life (default {@value #DEFAULT_TTL_MS} ms). */
    public record LeaseBody(Long tokens, Long ttlMs) {}

    /**
     * The answer to a lease: the decision, as an acquire answers it, plus the lease; {@code leaseId} and
     * {@code leaseExpiresAt} are null when nothing can be given back (denied, a shadow rule's would-be denial, which
     * took no tokens, or a lease that could not be recorded).
     */
    @JsonPropertyOrder({"decision", "leaseId", "leaseExpiresAt"})
    public record Leased(@JsonUnwrapped Decision decision, String leaseId, Long leaseExpiresAt) {}

    /** The body of a release: the lease, and its unused tokens. Both required. */
    public record ReleaseBody(String leaseId, Long tokens) {}

    /**
     * The answer to a release: tokens offered, tokens taken off the lease ({@code min(tokens, leased)}), and tokens the
     * bucket accepted (fractional: a bucket that refilled a little since has room for a little less).
     */
    @JsonPropertyOrder({"key", "tokens", "released", "accepted", "ruleId"})
    public record Released(String key, long tokens, long released, double accepted, String ruleId) {}

    private final DecisionService decisions;
    private final LeaseService leases;
    private final BmsMetrics metrics;

    public LeaseRoutes(DecisionService decisions, LeaseService leases, BmsMetrics metrics) {
        this.decisions = decisions;
        this.leases = leases;
        this.metrics = metrics;
    }

    @Override
    public void mount(ApiRouter router) {
        router.add(HttpMethod.POST, "/v1/buckets/:key/lease", Access.DECISION, this::lease);
        router.add(HttpMethod.POST, "/v1/buckets/:key/release", Access.DECISION, this::release);
    }

    private void lease(RoutingContext ctx) throws Exception {
        long start = System.nanoTime();
        String client = ctx.get(Auth.CLIENT_ID);
        String key = BucketKeys.forClient("key", BucketKeys.check("key", ctx.pathParam("key")), client);
        LeaseBody body = Replies.optionalBody(ctx, LeaseBody.class);
        // a lease never waits: its tokens are the caller's at once, or not at all
        DecisionService.Request request = DecisionRoutes.request(key, body == null ? null : body.tokens(), 0L, null);
        long ttlMs = body == null || body.ttlMs() == null ? DEFAULT_TTL_MS : body.ttlMs();
        checkRange("ttlMs", ttlMs, MIN_TTL_MS, LeaseLedger.MAX_TTL_MS);
        // the lease is recorded against the very bucket it took from (its store key: key, rule and client)
        BucketBinding binding = decisions.bind(key, client, ctx.get(Auth.CLIENT_TIER));
        CompletionStage<Leased> answer = leases.lease(request, binding, client, ttlMs)
                .thenApply(g -> new Leased(g.decision(), g.leaseId(), g.expiresAt()));
        Replies.then(ctx, Replies.onContext(answer), leased -> {
            metrics.decisionLatency(BmsMetrics.Transport.HTTP, System.nanoTime() - start);
            Replies.json(ctx, 200, leased);
        });
    }

    private void release(RoutingContext ctx) throws Exception {
        String client = ctx.get(Auth.CLIENT_ID);
        String key = BucketKeys.forClient("key", BucketKeys.check("key", ctx.pathParam("key")), client);
        ReleaseBody body = Replies.body(ctx, ReleaseBody.class);
        check(body.leaseId() != null, "leaseId is required: the id a granted lease answered");
        check(LeaseLedger.isWellFormed(body.leaseId()), "leaseId must be the 22-character id a granted lease answered");
        check(body.tokens() != null, "tokens is required, in [1, " + Tokens.MAX_CAPACITY + "]");
        long tokens = body.tokens();
        checkRange("tokens", tokens, 1, Tokens.MAX_CAPACITY);
        // the bucket this caller's decisions on the key use now; a lease taken under another rule is not found
        BucketBinding binding = decisions.bind(key, client, ctx.get(Auth.CLIENT_TIER));
        String ruleId = binding.rule().id();
        Future<Optional<LeaseService.Returned>> returned =
                Replies.onContext(leases.release(binding, body.leaseId(), client, tokens));
        Replies.then(
                ctx,
                returned.compose(r -> r.isEmpty()
                        ? Future.failedFuture(ApiException.notFound("no live lease with this leaseId for key '" + key
                                + "' and this caller: unknown, expired, already released, or another's"))
                        : Future.succeededFuture(new Released(
                                key, tokens, r.get().released(), r.get().accepted(), ruleId))),
                released -> Replies.json(ctx, 200, released));
    }
}
