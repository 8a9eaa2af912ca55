package dev.tokenplane.bms.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenplane.bms.config.ConfigCodec;
import dev.tokenplane.bms.config.ConfigWrite;
import dev.tokenplane.bms.config.ReplicatedConfig;
import dev.tokenplane.bms.config.RuleRegistry;
import dev.tokenplane.bms.metrics.BmsMetrics;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.RuleInput;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.InstantSource;
import java.util.Map;

/**
 * Rules CRUD ({@code /v1/rules}): reads for the admin and the read-only operator, writes for the admin. A write is applied on the rule's owner (version and {@code If-Match}
 * checked atomically there), written to this member's disk on a worker, and only then acknowledged.
 */
public final class RuleRoutes implements ApiRoutes {
    private final Vertx vertx;
    private final RuleRegistry rules;
    private final BmsMetrics metrics;
    private final InstantSource clock;

    public RuleRoutes(Vertx vertx, RuleRegistry rules, BmsMetrics metrics, InstantSource clock) {
        this.vertx = vertx;
        this.rules = rules;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void mount(ApiRouter router) {
        router.add(
                HttpMethod.GET,
                "/v1/rules",
                Access.READ,
                ctx -> Replies.json(
                        ctx,
                        200,
                        Map.of("rules", rules.all().stream().map(this::view).toList())));
        router.add(HttpMethod.GET, "/v1/rules/:ruleId", Access.READ, this::get);
        router.add(HttpMethod.PUT, "/v1/rules/:ruleId", Access.ADMIN, this::put);
        router.add(HttpMethod.DELETE, "/v1/rules/:ruleId", Access.ADMIN, this::delete);
    }

    private void get(RoutingContext ctx) {
        String id = ctx.pathParam("ruleId");
        RuleInput.checkRuleId(id);
        Rule rule = rules.get(id);
        if (rule == null) {
            throw ApiException.notFound("no rule '" + id + "'");
        }
        ctx.response().putHeader("ETag", etag(rule.version()));
        Replies.json(ctx, 200, view(rule));
    }

    /** The rule as answered: with {@code "managedBy": "file"} when the rules file owns it (sync mode). */
    private Object view(Rule rule) {
        if (!rules.lockedByFile(rule.id())) {
            return rule;
        }
        ObjectNode node = Json.STRICT.valueToTree(rule);
        node.put("managedBy", "file");
        return node;
    }

    private void put(RoutingContext ctx) throws IOException {
        String id = ctx.pathParam("ruleId");
        RuleInput.checkRuleId(id);
        long expected = IfMatch.parse(ctx.request().getHeader("If-Match"));
        Rule rule = Replies.body(ctx, RuleInput.class).toRule(id);
        Future<ConfigWrite> write = Replies.onContext(rules.put(rule, expected, false, clock.millis()))
                .compose(w -> persisted(ctx, w, id));
        Replies.then(ctx, AuditTrail.applying(ctx, write), w -> {
            Rule stored = ConfigCodec.rule(w.record());
            metrics.registerRule(stored.id());
            ctx.response().putHeader("ETag", etag(stored.version()));
            Replies.json(ctx, w.outcome() == ConfigWrite.Outcome.CREATED ? 201 : 200, stored);
        });
    }

    private void delete(RoutingContext ctx) {
        String id = ctx.pathParam("ruleId");
        RuleInput.checkRuleId(id);
        long expected = IfMatch.parse(ctx.request().getHeader("If-Match"));
        Future<ConfigWrite> write =
                Replies.onContext(rules.delete(id, expected, clock.millis())).compose(w -> persisted(ctx, w, id));
        Replies.then(ctx, AuditTrail.applying(ctx, write), w -> Replies.noContent(ctx));
    }

    /** Fails with the contract's error for a write that did not happen; else writes it to disk (on a worker). */
    private Future<ConfigWrite> persisted(RoutingContext ctx, ConfigWrite w, String id) {
        AuditTrail.versions(ctx, w);
        switch (w.outcome()) {
            case NOT_FOUND:
                return Future.failedFuture(ApiException.notFound("no rule '" + id + "'"));
            case MANAGED:
                return Future.failedFuture(ApiException.managedByFile("rule '" + id + "' is owned by the rules file "
                        + "(BMS_RULES_MODE=sync): change it in the file"));
            case CONFLICT:
                return Future.failedFuture(ApiException.conflict(
                        w.record() == null || w.record().deleted()
                                ? "rule '" + id + "' does not exist, so If-Match cannot match"
                                : "rule '" + id + "' is at version "
                                        + w.record().version()));
            default:
                return Replies.persisted(vertx, w, rules::durable);
        }
    }

    private static String etag(long version) {
        return "\"" + version + "\"";
    }

    /** Parses {@code If-Match}: a version ({@code 3}, {@code "3"} or {@code W/"3"}) or {@code *}. */
    static final class IfMatch {
        private IfMatch() {}

        static long parse(String header) {
            if (header == null) {
                return ReplicatedConfig.ANY_VERSION;
            }
            String v = header.trim();
            if (v.equals("*")) {
                return ReplicatedConfig.EXISTS;
            }
            if (v.startsWith("W/")) {
                v = v.substring(2);
            }
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                v = v.substring(1, v.length() - 1);
            }
            try {
                long version = Long.parseLong(v);
                if (version >= 1) {
                    return version;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new dev.tokenplane.bms.rules.InvalidInputException(
                    "If-Match must be a rule version (an integer >= 1, optionally quoted) or *");
        }
    }
}
