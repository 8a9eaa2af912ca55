package dev.tokenplane.bms.http;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.tokenplane.bms.decide.BucketBinding;
import dev.tokenplane.bms.decide.Decision;
import dev.tokenplane.bms.decide.DecisionService;
import dev.tokenplane.bms.leases.Lease;
import dev.tokenplane.bms.leases.LeaseLedger;
import dev.tokenplane.bms.metrics.BmsMetrics;
import dev.tokenplane.bms.rules.BucketKeys;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.transfer.exec.TransferIds;
import dev.tokenplane.store.Tokens;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static dev.tokenplane.bms.rules.InvalidInputException.check;
import static dev.tokenplane.bms.rules.InvalidInputException.checkRange;

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
 * <p>Order of the release: the lease ends first (atomically, on its owner), the credit comes second. When the credit
 * fails or the bucket accepts less (it never fills above its capacity; an evicted bucket accepts nothing), the
 * difference is lost, never handed out twice: losing tokens is the safe direction. The credit is a step with an id
 * drawn once per release ({@link TransferIds#timeOrdered()}), so a credit resent below HTTP (Hazelcast retries an
 * invocation whose member left, even when that member had applied it) is applied once; a second release of the same
 * lease is refused by the ledger. The id is time-ordered because a bucket answers a step whose id is at or below the
 * largest one it has forgotten as "forgotten" (applies nothing): an id derived from the lease would often be. A release that names no lease the
 * caller holds credits nothing, so no caller can put back tokens it never took.
 */
public final class LeaseRoutes implements ApiRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseRoutes.class);
    /** The life of a lease when the request does not say. */
    public static final long DEFAULT_TTL_MS = 30_000;
    /** The shortest life a lease may ask for. */
    public static final long MIN_TTL_MS = 100;

    /** The body of a lease: tokens (default 1) and its life (default {@value #DEFAULT_TTL_MS} ms). */
    public record LeaseBody(Long tokens, Long ttlMs) {
    }

    /**
     * The answer to a lease: the decision, as an acquire answers it, plus the lease; {@code leaseId} and
     * {@code leaseExpiresAt} are null when nothing can be given back (denied, a shadow rule's would-be denial, which
     * took no tokens, or a lease that could not be recorded).
     */
    @JsonPropertyOrder({"decision", "leaseId", "leaseExpiresAt"})
    public record Leased(@JsonUnwrapped Decision decision, String leaseId, Long leaseExpiresAt) {
    }

    /** The body of a release: the lease, and its unused tokens. Both required. */
    public record ReleaseBody(String leaseId, Long tokens) {
    }

    /**
     * The answer to a release: tokens offered, tokens taken off the lease ({@code min(tokens, leased)}), and tokens the
     * bucket accepted (fractional: a bucket that refilled a little since has room for a little less).
     */
    @JsonPropertyOrder({"key", "tokens", "released", "accepted", "ruleId"})
    public record Released(String key, long tokens, long released, double accepted, String ruleId) {
    }

    private final DecisionService decisions;
    private final LeaseLedger ledger;
    private final BucketStore store;
    private final BmsMetrics metrics;
    private final TransferIds releaseIds = TransferIds.timeOrdered();

    public LeaseRoutes(DecisionService decisions, LeaseLedger ledger, BucketStore store, BmsMetrics metrics) {
        this.decisions = decisions;
        this.ledger = ledger;
        this.store = store;
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
        DecisionService.Request request = DecisionRoutes.request(key, body == null ? null : body.tokens(), 0L);
        long ttlMs = body == null || body.ttlMs() == null ? DEFAULT_TTL_MS : body.ttlMs();
        checkRange("ttlMs", ttlMs, MIN_TTL_MS, LeaseLedger.MAX_TTL_MS);
        // the lease is recorded against the very bucket it took from (its store key: key, rule and client)
        BucketBinding binding = decisions.bind(key, client, ctx.get(Auth.CLIENT_TIER));
        CompletionStage<Leased> answer = decisions.acquire(request, binding)
                .thenCompose(d -> record(d, binding.storeKey(), client, ttlMs));
        Replies.then(ctx, Replies.onContext(answer), leased -> {
            metrics.decisionLatency(System.nanoTime() - start);
            Replies.json(ctx, 200, leased);
        });
    }

    /** Records the lease of a grant that took tokens; a grant stands even when its lease cannot be recorded. */
    private CompletionStage<Leased> record(Decision d, String storeKey, String client, long ttlMs) {
        if (!d.granted() || Boolean.TRUE.equals(d.shadowDenied())) {
            return CompletableFuture.completedFuture(new Leased(d, null, null));
        }
        CompletionStage<LeaseLedger.Opened> opened;
        try {
            opened = ledger.open(storeKey, client, d.tokens(), ttlMs);
        } catch (RuntimeException e) {
            opened = CompletableFuture.failedFuture(e);
        }
        return opened.thenApply(o -> new Leased(d, o.leaseId(), o.expiresAt()))
                .exceptionally(e -> {
                    // the tokens are taken either way; without a record they just cannot come back
                    LOG.warn("could not record a lease of {} tokens on {}: {}", d.tokens(), d.key(), e.toString());
                    return new Leased(d, null, null);
                });
    }

    private void release(RoutingContext ctx) throws Exception {
        String client = ctx.get(Auth.CLIENT_ID);
        String key = BucketKeys.forClient("key", BucketKeys.check("key", ctx.pathParam("key")), client);
        ReleaseBody body = Replies.body(ctx, ReleaseBody.class);
        check(body.leaseId() != null, "leaseId is required: the id a granted lease answered");
        check(LeaseLedger.isWellFormed(body.leaseId()),
                "leaseId must be the 22-character id a granted lease answered");
        check(body.tokens() != null, "tokens is required, in [1, " + Tokens.MAX_CAPACITY + "]");
        long tokens = body.tokens();
        checkRange("tokens", tokens, 1, Tokens.MAX_CAPACITY);
        // the bucket this caller's decisions on the key use now; a lease taken under another rule is not found
        BucketBinding binding = decisions.bind(key, client, ctx.get(Auth.CLIENT_TIER));
        String ruleId = binding.rule().id();
        String storeKey = binding.storeKey();
        Future<Lease.Release> ended = Replies.onContext(ledger.release(storeKey, body.leaseId(), client, tokens));
        Replies.then(ctx, ended.compose(r -> {
            if (!(r instanceof Lease.Returned returned)) {
                return Future.failedFuture(ApiException.notFound("no live lease with this leaseId for key '" + key
                        + "' and this caller: unknown, expired, already released, or another's"));
            }
            // credited as a step named after the lease: a resent credit is applied once
            return Replies.onContext(store.credit(storeKey, Tokens.toNano(returned.tokens()),
                            releaseIds.next()))
                    .map(accepted -> new Released(key, tokens, returned.tokens(),
                            (double) accepted / Tokens.SCALE, ruleId));
        }), released -> Replies.json(ctx, 200, released));
    }
}
