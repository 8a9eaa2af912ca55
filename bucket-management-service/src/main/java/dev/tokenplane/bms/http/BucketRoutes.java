package dev.tokenplane.bms.http;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.tokenplane.bms.buckets.BucketDirectory;
import dev.tokenplane.bms.buckets.ResizeHistory;
import dev.tokenplane.bms.cluster.Completions;
import dev.tokenplane.bms.config.ConfigCodec;
import dev.tokenplane.bms.config.ConfigWrite;
import dev.tokenplane.bms.config.OverrideRegistry;
import dev.tokenplane.bms.config.RuleRegistry;
import dev.tokenplane.bms.rules.BucketKeys;
import dev.tokenplane.bms.rules.BucketOverride;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Bucket reads ({@code GET /v1/buckets/{key}}, {@code GET /v1/buckets}; admin or read-only operator) and overrides
 * (admin).
 */
public final class BucketRoutes implements ApiRoutes {
    public static final int DEFAULT_LIMIT = Paging.DEFAULT_LIMIT;
    public static final int MAX_LIMIT = Paging.MAX_LIMIT;

    /** The answer to {@code GET /v1/buckets/{key}}. */
    @JsonPropertyOrder({"key", "ruleId", "capacity", "refillPerSecond", "tokens", "minCapacity", "maxCapacity",
            "algorithm", "override", "pool", "region", "lastResizedAt", "history"})
    public record BucketView(String key, String ruleId, long capacity, double refillPerSecond, long tokens,
                             Long minCapacity, Long maxCapacity, String algorithm, BucketOverride override,
                             String pool, String region, Long lastResizedAt, List<ResizeHistory.Resize> history) {
    }

    /** One bucket of a listing. */
    @JsonPropertyOrder({"key", "ruleId", "capacity", "refillPerSecond", "tokens"})
    public record BucketSummary(String key, String ruleId, long capacity, double refillPerSecond, long tokens) {
    }

    private final Vertx vertx;
    private final BucketStore store;
    private final BucketDirectory directory;
    private final RuleRegistry rules;
    private final OverrideRegistry overrides;
    private final ResizeHistory history;
    private final InstantSource clock;
    private final Executor callbacks;

    public BucketRoutes(Vertx vertx, BucketStore store, BucketDirectory directory, RuleRegistry rules,
                        OverrideRegistry overrides, ResizeHistory history, InstantSource clock, Executor callbacks) {
        this.vertx = vertx;
        this.store = store;
        this.directory = directory;
        this.rules = rules;
        this.overrides = overrides;
        this.history = history;
        this.clock = clock;
        this.callbacks = callbacks;
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
        Future<BucketView> view = Replies.onContext(Completions.on(store.get(key), callbacks)
                .thenCompose(state -> {
                    if (state.isEmpty()) {
                        throw ApiException.notFound("no bucket '" + key + "' (buckets are created by their first "
                                + "acquire)");
                    }
                    return history.get(key).thenApply(h -> view(key, state.get(), h));
                }));
        Replies.then(ctx, view, v -> Replies.json(ctx, 200, v));
    }

    private BucketView view(String key, BucketState state, Optional<ResizeHistory.History> h) {
        BucketOverride override = overrides.active(key, clock.millis());
        RuleIndex.Entry entry = rules.index().ruleOfBucket(key, state.generation(), override);
        Rule rule = entry == null ? null : entry.rule();
        Rule.Transfer transfer = rule == null ? null
                : override == null ? rule.transfer() : override.overlay(rule.transfer());
        return new BucketView(key, rule == null ? null : rule.id(), state.capacity(), state.refillPerSecond(),
                state.wholeTokens(), rule == null ? null : rule.minCapacity(), rule == null ? null : rule.maxCapacity(),
                state.algorithm().name(), override, transfer == null ? null : transfer.pool(),
                transfer == null ? null : transfer.region(), h.map(ResizeHistory.History::lastResizedAt).orElse(null),
                h.map(ResizeHistory.History::history).orElse(List.of()));
    }

    private void list(RoutingContext ctx) {
        String prefix = Paging.keyPrefix(ctx.request().getParam("prefix"));
        int limit = Paging.limit(ctx.request().getParam("limit"));
        String after = Paging.after(ctx.request().getParam("cursor"));
        Future<Map<String, Object>> page = Replies.onContext(Completions.on(
                directory.keys(prefix, after, limit + 1), callbacks).thenCompose(keys -> {
            List<String> pageKeys = keys.size() > limit ? keys.subList(0, limit) : keys;
            String next = keys.size() > limit ? Paging.cursor(pageKeys.get(pageKeys.size() - 1)) : null;
            List<CompletableFuture<Optional<BucketState>>> states = new ArrayList<>();
            for (String k : pageKeys) {
                states.add(Completions.on(store.get(k), callbacks));
            }
            return CompletableFuture.allOf(states.toArray(CompletableFuture[]::new)).thenApply(v -> {
                List<BucketSummary> buckets = new ArrayList<>();
                for (int i = 0; i < pageKeys.size(); i++) {
                    Optional<BucketState> s = states.get(i).join();
                    if (s.isPresent()) {
                        RuleIndex.Entry e = rules.index().match(pageKeys.get(i), null);
                        buckets.add(new BucketSummary(pageKeys.get(i), e == null ? null : e.rule().id(),
                                s.get().capacity(), s.get().refillPerSecond(), s.get().wholeTokens()));
                    }
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("buckets", buckets);
                body.put("nextCursor", next);
                return body;
            });
        }));
        Replies.then(ctx, page, body -> Replies.json(ctx, 200, body));
    }

    private void putOverride(RoutingContext ctx) throws Exception {
        String key = BucketKeys.check("key", ctx.pathParam("key"));
        long now = clock.millis();
        BucketOverride override = Replies.body(ctx, OverrideInput.class).toOverride(key, now);
        Future<ConfigWrite> write = Replies.onContext(overrides.put(override, now)).compose(w -> persisted(ctx, w))
                .compose(w -> applied(key, override.capacity(), Tokens.ratePerMilli(override.refillPerSecond()), w));
        Replies.then(ctx, write, w -> Replies.json(ctx, w.outcome() == ConfigWrite.Outcome.CREATED ? 201 : 200,
                ConfigCodec.override(w.record())));
    }

    private void deleteOverride(RoutingContext ctx) {
        String key = BucketKeys.check("key", ctx.pathParam("key"));
        Future<ConfigWrite> write = Replies.onContext(overrides.delete(key, clock.millis())).compose(w -> {
            AuditTrail.versions(ctx, w);
            if (w.outcome() == ConfigWrite.Outcome.NOT_FOUND) {
                return Future.failedFuture(ApiException.notFound("no override for bucket '" + key + "'"));
            }
            RuleIndex.Entry rule = rules.index().match(key, null);
            return rule == null ? persisted(ctx, w) : persisted(ctx, w).compose(p -> applied(key, rule.spec().capacity(),
                    rule.spec().ratePerMilli(), p));
        });
        Replies.then(ctx, write, w -> Replies.noContent(ctx));
    }

    /**
     * Gives an existing bucket its new capacity and refill at once, so that reads agree with the override from the
     * moment it is acknowledged (the next decision would reset it anyway: the override changed its generation).
     */
    private Future<ConfigWrite> applied(String key, long capacity, long ratePerMilli, ConfigWrite w) {
        return Replies.onContext(Completions.on(store.resize(key, capacity, ratePerMilli), callbacks)).map(r -> w);
    }

    private Future<ConfigWrite> persisted(RoutingContext ctx, ConfigWrite w) {
        AuditTrail.versions(ctx, w);
        return Replies.persisted(vertx, w, overrides::persist);
    }
}
