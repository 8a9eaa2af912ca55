package dev.tokenplane.bms.http;

import dev.tokenplane.bms.config.RuleRegistry;
import dev.tokenplane.bms.rules.InvalidInputException;
import dev.tokenplane.bms.rules.RuleIndex;
import dev.tokenplane.bms.stats.ClusterStats;
import dev.tokenplane.bms.stats.DecisionStats;
import dev.tokenplane.bms.stats.StatsReport;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.InstantSource;

/**
 * {@code GET /v1/stats} (admin or read-only token): decisions granted, denied and shadow-denied per rule and second over the last
 * {@code seconds} (at most {@value DecisionStats#WINDOW_SECONDS}), merged across every member that answers, and the
 * {@code top} keys by denials. Gathered on a worker (it waits for the other members).
 */
public final class StatsRoutes implements ApiRoutes {
    public static final int MAX_TOP = 100;

    private final Vertx vertx;
    private final ClusterStats stats;
    private final RuleRegistry rules;
    private final InstantSource clock;

    public StatsRoutes(Vertx vertx, ClusterStats stats, RuleRegistry rules, InstantSource clock) {
        this.vertx = vertx;
        this.stats = stats;
        this.rules = rules;
        this.clock = clock;
    }

    @Override
    public void mount(ApiRouter router) {
        router.add(HttpMethod.GET, "/v1/stats", Access.READ, this::get);
    }

    private void get(RoutingContext ctx) {
        int seconds = Query.intParam(ctx.request(), "seconds", 60, 1, DecisionStats.WINDOW_SECONDS);
        int top = Query.intParam(ctx.request(), "top", 10, 0, MAX_TOP);
        String rule = ctx.request().getParam("rule");
        InvalidInputException.check(rule == null || !rule.isEmpty(), "rule must not be empty");
        Replies.then(
                ctx,
                vertx.executeBlocking(
                        () -> {
                            long now = clock.millis();
                            return StatsReport.merge(stats.gather(), stats.members(), now, seconds, rule, top, key -> {
                                RuleIndex.Entry e = rules.index().match(key, null);
                                return e == null ? null : e.rule().id();
                            });
                        },
                        false),
                report -> Replies.json(ctx, 200, report));
    }
}
