package dev.tokenplane.bms.http;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.tokenplane.bms.buckets.BucketDirectory;
import dev.tokenplane.bms.buckets.BucketQueries;
import dev.tokenplane.bms.buckets.BucketQueries.Found;
import dev.tokenplane.bms.buckets.ResizeHistory;
import dev.tokenplane.bms.cluster.Completions;
import dev.tokenplane.bms.config.ConfigCodec;
import dev.tokenplane.bms.config.ConfigWrite;
import dev.tokenplane.bms.config.OverrideRegistry;
import dev.tokenplane.bms.config.RuleRegistry;
import dev.tokenplane.bms.decide.BucketBinding;
import dev.tokenplane.bms.decide.BucketResolver;
import dev.tokenplane.bms.rules.BucketKeys;
import dev.tokenplane.bms.rules.BucketOverride;
import dev.tokenplane.bms.rules.InvalidInputException;
import dev.tokenplane.bms.rules.OverrideInput;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.RuleIndex;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Bucket reads ({@code GET /v1/buckets/{key}}, {@code GET /v1/buckets}; admin or read-only operator) and overrides
 * (admin).
 */
public final class BucketRoutes implements ApiRoutes {
    public static final int DEFAULT_LIMIT = Paging.DEFAULT_LIMIT;
    public static final int MAX_LIMIT = Paging.MAX_LIMIT;

    /** The most buckets (rule and client scopes) one key's read or override reaches. */
    public static final int MAX_SCOPES = MAX_LIMIT;

    /**
     * The answer to {@code GET /v1/buckets/{key}}: one bucket of the key. A key has one bucket per rule that served it
     * and, for a {@code {client}} rule, per client; {@code clientId} names the client of this one, and
     * {@code buckets} lists every bucket of the key ({@code ?ruleId=&clientId=} picks one).
     */
    @JsonPropertyOrder({
        "key",
        "ruleId",
        "capacity",
        "refillPerSecond",
        "tokens",
        "minCapacity",
        "maxCapacity",
        "algorithm",
        "override",
        "pool",
        "region",
        "lastResizedAt",
        "history",
        "clientId",
        "buckets"
    })
    public record BucketView(
            String key,
            String ruleId,
            long capacity,
            double refillPerSecond,
            long tokens,
            Long minCapacity,
            Long maxCapacity,
            String algorithm,
            BucketOverride override,
            String pool,
            String region,
            Long lastResizedAt,
            List<ResizeHistory.Resize> history,
            String clientId,
            List<Scope> buckets) {}

    /** One bucket of a key: its rule, and its client for a {@code {client}} rule. */
    @JsonPropertyOrder({"ruleId", "clientId"})
    public record Scope(String ruleId, String clientId) {}

    /** One bucket of a listing; {@code clientId} is set for the bucket of a {@code {client}} rule. */
    @JsonPropertyOrder({"key", "ruleId", "capacity", "refillPerSecond", "tokens", "clientId"})
    public record BucketSummary(
            String key, String ruleId, long capacity, double refillPerSecond, long tokens, String clientId) {}

    private final Vertx vertx;
    private final BucketStore store;
    private final BucketQueries queries;
    private final RuleRegistry rules;
    private final OverrideRegistry overrides;
    private final ResizeHistory history;
    private final BucketResolver resolver;
    private final InstantSource clock;

    public BucketRoutes(
            Vertx vertx,
            BucketStore store,
            BucketDirectory directory,
            RuleRegistry rules,
            OverrideRegistry overrides,
            BucketResolver resolver,
            ResizeHistory history,
            InstantSource clock) {
        this.vertx = vertx;
        this.store = store;
        this.queries = new BucketQueries(store, directory);
        this.rules = rules;
        this.overrides = overrides;
        this.history = history;
        this.resolver = resolver;
        this.clock = clock;
    }

    @Override
    public void mount(ApiRouter router) {
        router.add(HttpMethod.GET, "/v1/buckets", Access.READ, this::list);
        router.add(HttpMethod.GET, "/v1/buckets/:key", Access.READ, this::get);
        router.add(HttpMethod.PUT, "/v1/buckets/:key/override", Access.ADMIN, this::putOverride);
        router.add(HttpMethod.DELETE, "/v1/buckets/:key/override", Access.ADMIN, this::deleteOverride);
    }

    private void get(RoutingContext ctx) {
        String key = BucketKeys.check("key", ctx.pathParam("key"));
        String ruleId = ctx.request().getParam("ruleId");
        String clientId = ctx.request().getParam("clientId");
        InvalidInputException.check(clientId == null || ruleId != null, "clientId needs ruleId");
        Future<BucketView> view = bucketsOf(key).compose(found -> {
            if (found.isEmpty()) {
                throw ApiException.notFound("no bucket '" + key + "' (buckets are created by their first acquire)");
            }
            Found chosen = ruleId == null
                    ? preferred(key, found)
                    : found.stream()
                            .filter(f -> ruleId.equals(f.scope().ruleId())
                                    && Objects.equals(clientId, f.scope().clientId()))
                            .findFirst()
                            .orElseThrow(() -> ApiException.notFound("no bucket '" + key + "' of rule '" + ruleId + "'"
                                    + (clientId == null ? "" : " and client '" + clientId + "'")));
            List<Scope> scopes = found.stream()
                    .map(f -> new Scope(ruleOf(f), f.scope().clientId()))
                    .toList();
            return Replies.onContext(history.get(chosen.storeKey())).map(h -> view(key, chosen, h, scopes));
        });
        Replies.then(ctx, view, v -> Replies.json(ctx, 200, v));
    }

    /**
     * The buckets of {@code key} that exist ({@link BucketQueries#bucketsOf}). Completes on the calling handler's
     * context, from where further store calls may go (a Hazelcast partition thread, which completes a read, may not
     * make them).
     */
    private Future<List<Found>> bucketsOf(String key) {
        return Replies.onContext(queries.bucketsOf(key, MAX_SCOPES));
    }

    /** Without a choice: the bucket a caller without an API key uses, else the first. */
    private Found preferred(String key, List<Found> found) {
        RuleIndex.Entry plain = rules.index().match(key, null);
        String plainKey = plain == null ? null : plain.storeKey(key, null);
        return found.stream()
                .filter(f -> f.storeKey().equals(plainKey))
                .findFirst()
                .orElse(found.get(0));
    }

    /** The bucket's rule: the one its store key names, or for a bucket from before scoping the one it matches. */
    private String ruleOf(Found f) {
        if (f.scope().ruleId() != null) {
            return f.scope().ruleId();
        }
        BucketBinding bucket = resolver.ofBucket(f.storeKey(), f.state().generation());
        return bucket == null ? null : bucket.rule().id();
    }

    private BucketView view(String key, Found found, Optional<ResizeHistory.History> h, List<Scope> scopes) {
        BucketState state = found.state();
        BucketBinding bucket = resolver.ofBucket(found.storeKey(), state.generation());
        Rule rule = bucket == null ? null : bucket.rule();
        BucketOverride override = bucket == null ? overrides.active(key, clock.millis()) : bucket.override();
        Rule.Transfer transfer = bucket == null ? null : bucket.transfer();
        return new BucketView(
                key,
                ruleOf(found),
                state.capacity(),
                state.refillPerSecond(),
                state.wholeTokens(),
                rule == null ? null : rule.minCapacity(),
                rule == null ? null : rule.maxCapacity(),
                state.algorithm().name(),
                override,
                transfer == null ? null : transfer.pool(),
                transfer == null ? null : transfer.region(),
                h.map(ResizeHistory.History::lastResizedAt).orElse(null),
                h.map(ResizeHistory.History::history).orElse(List.of()),
                found.scope().clientId(),
                scopes);
    }

    private void list(RoutingContext ctx) {
        String prefix = Paging.keyPrefix(ctx.request().getParam("prefix"));
        int limit = Paging.limit(ctx.request().getParam("limit"));
        String after = Paging.after(ctx.request().getParam("cursor"));
        Future<Map<String, Object>> page =
                Replies.onContext(queries.page(prefix, after, limit).thenApply(p -> {
                    List<BucketSummary> buckets = new ArrayList<>();
                    for (Found f : p.buckets()) {
                        BucketState s = f.state();
                        buckets.add(new BucketSummary(
                                f.scope().key(),
                                ruleOf(f),
                                s.capacity(),
                                s.refillPerSecond(),
                                s.wholeTokens(),
                                f.scope().clientId()));
                    }
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("buckets", buckets);
                    body.put("nextCursor", p.lastKey() == null ? null : Paging.cursor(p.lastKey()));
                    return body;
                }));
        Replies.then(ctx, page, body -> Replies.json(ctx, 200, body));
    }

    private void putOverride(RoutingContext ctx) throws Exception {
        String key = BucketKeys.check("key", ctx.pathParam("key"));
        long now = clock.millis();
        BucketOverride override = Replies.body(ctx, OverrideInput.class).toOverride(key, now);
        Future<ConfigWrite> write = Replies.onContext(overrides.put(override, now))
                .compose(w -> persisted(ctx, w))
                .compose(w -> applied(key, ConfigCodec.override(w.record()), w)); // the stored version
        Replies.then(
                ctx,
                AuditTrail.applying(ctx, write),
                w -> Replies.json(
                        ctx, w.outcome() == ConfigWrite.Outcome.CREATED ? 201 : 200, ConfigCodec.override(w.record())));
    }

    private void deleteOverride(RoutingContext ctx) {
        String key = BucketKeys.check("key", ctx.pathParam("key"));
        Future<ConfigWrite> write = Replies.onContext(overrides.delete(key, clock.millis()))
                .compose(w -> {
                    AuditTrail.versions(ctx, w);
                    if (w.outcome() == ConfigWrite.Outcome.NOT_FOUND) {
                        return Future.failedFuture(ApiException.notFound("no override for bucket '" + key + "'"));
                    }
                    return persisted(ctx, w).compose(p -> applied(key, null, p));
                });
        Replies.then(ctx, AuditTrail.applying(ctx, write), w -> Replies.noContent(ctx));
    }

    /**
     * Gives every existing bucket of {@code key} (each rule and client scope) the spec of its rule under
     * {@code override} (null: none) at once, generation included, so that reads agree with the override from the
     * moment it is acknowledged (the next decision would reset them anyway) and a sizing resize computed before it is
     * refused by the store. An override pins each bucket of the key to its size; the buckets do not share it. A
     * bucket whose rule is gone only gets the override's size.
     */
    private Future<ConfigWrite> applied(String key, BucketOverride override, ConfigWrite w) {
        return bucketsOf(key)
                .compose(found -> {
                    List<CompletableFuture<Optional<BucketState>>> calls = new ArrayList<>();
                    for (Found f : found) {
                        RuleIndex.Entry rule = rules.index().ruleOfStoreKey(f.storeKey());
                        if (rule != null) {
                            calls.add(Completions.on(store.reconfigure(f.storeKey(), rule.specWith(override))));
                        } else if (override != null) {
                            calls.add(Completions.on(store.resize(
                                    f.storeKey(),
                                    override.capacity(),
                                    Tokens.ratePerMilli(override.refillPerSecond()))));
                        }
                    }
                    return Replies.onContext(CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)));
                })
                .map(r -> w);
    }

    private Future<ConfigWrite> persisted(RoutingContext ctx, ConfigWrite w) {
        AuditTrail.versions(ctx, w);
        return Replies.persisted(vertx, w, overrides::durable);
    }
}
