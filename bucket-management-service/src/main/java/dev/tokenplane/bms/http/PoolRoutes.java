package dev.tokenplane.bms.http;

import dev.tokenplane.bms.config.ConfigWrite;
import dev.tokenplane.bms.config.OverrideRegistry;
import dev.tokenplane.bms.config.RuleRegistry;
import dev.tokenplane.bms.transfer.PoolSettingsInput;
import dev.tokenplane.bms.transfer.PoolSettingsRegistry;
import dev.tokenplane.transfer.SettingsLayer;
import dev.tokenplane.transfer.breaker.PoolBreakers;
import dev.tokenplane.transfer.pool.PoolStats;
import dev.tokenplane.transfer.pool.PoolTransfers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The transfer pools (reads for the admin and the read-only operator, writes for the admin): {@code GET /v1/pools/{pool}} (members, spare, weights, breaker, tokens lent and
 * borrowed) and the run-time settings, {@code PUT} and {@code DELETE /v1/pools/{pool}/settings}. A write is applied on
 * the owner of the pool's settings, then on this member (at once) and the others (through the map's events), written
 * to this member's disk, and only then acknowledged.
 */
public final class PoolRoutes implements ApiRoutes {

    private final Vertx vertx;
    private final PoolTransfers transfers;
    private final PoolBreakers breakers;
    private final PoolSettingsRegistry settings;
    private final RuleRegistry rules;
    private final OverrideRegistry overrides;
    private final Predicate<String> coordinates;
    private final InstantSource clock;

    public PoolRoutes(
            Vertx vertx,
            PoolTransfers transfers,
            PoolBreakers breakers,
            PoolSettingsRegistry settings,
            RuleRegistry rules,
            OverrideRegistry overrides,
            Predicate<String> coordinates,
            InstantSource clock) {
        this.vertx = vertx;
        this.transfers = transfers;
        this.breakers = breakers;
        this.settings = settings;
        this.rules = rules;
        this.overrides = overrides;
        this.coordinates = coordinates;
        this.clock = clock;
    }

    @Override
    public void mount(ApiRouter router) {
        router.add(HttpMethod.GET, "/v1/pools/:pool", Access.READ, this::get);
        router.add(HttpMethod.PUT, "/v1/pools/:pool/settings", Access.ADMIN, this::put);
        router.add(HttpMethod.DELETE, "/v1/pools/:pool/settings", Access.ADMIN, this::delete);
    }

    private void get(RoutingContext ctx) {
        String pool = ctx.pathParam("pool");
        PoolSettingsInput.checkPool(pool);
        PoolStats stats = transfers.stats(pool).orElseGet(() -> {
            if (!isNamed(pool)) {
                throw ApiException.notFound("no pool '" + pool + "' (no rule, override or pool settings name it)");
            }
            return new PoolStats(pool, breakers.state(pool), 0, 0, 0, 0, 0, Map.of(), List.of());
        });
        Replies.json(ctx, 200, PoolView.of(stats, coordinates.test(pool), settings.get(pool)));
    }

    private void put(RoutingContext ctx) throws IOException {
        String pool = ctx.pathParam("pool");
        PoolSettingsInput.checkPool(pool);
        PoolSettingsInput input = Replies.body(ctx, PoolSettingsInput.class);
        SettingsLayer layer = input.toLayer(pool);
        Future<ConfigWrite> write = Replies.onContext(
                        settings.put(pool, layer, input.breaker(), input.borrowBudget(), clock.millis()))
                .compose(w -> {
                    AuditTrail.versions(ctx, w);
                    return Replies.persisted(vertx, w, settings::durable);
                });
        Replies.then(
                ctx,
                AuditTrail.applying(ctx, write),
                w -> Replies.json(
                        ctx,
                        w.outcome() == ConfigWrite.Outcome.CREATED ? 201 : 200,
                        PoolSettingsRegistry.decode(w.record())));
    }

    private void delete(RoutingContext ctx) {
        String pool = ctx.pathParam("pool");
        PoolSettingsInput.checkPool(pool);
        Future<ConfigWrite> write = Replies.onContext(settings.delete(pool, clock.millis()))
                .compose(w -> {
                    AuditTrail.versions(ctx, w);
                    return w.outcome() == ConfigWrite.Outcome.NOT_FOUND
                            ? Future.failedFuture(ApiException.notFound("no settings for pool '" + pool + "'"))
                            : Replies.persisted(vertx, w, settings::durable);
                });
        Replies.then(ctx, AuditTrail.applying(ctx, write), w -> Replies.noContent(ctx));
    }

    /** Whether a rule, an override or stored settings name {@code pool}. */
    private boolean isNamed(String pool) {
        return settings.get(pool) != null
                || rules.all().stream()
                        .anyMatch(r ->
                                r.transfer() != null && pool.equals(r.transfer().pool()))
                || overrides.all().stream()
                        .anyMatch(o ->
                                o.transfer() != null && pool.equals(o.transfer().pool()));
    }
}
