package dev.tokenplane.bms.http;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.tokenplane.bms.agents.AgentRegistry;
import dev.tokenplane.bms.agents.AgentReport;
import dev.tokenplane.bms.agents.AgentState;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Agent report intake ({@code POST /v1/agents/{serverId}/reports}) and the agents list ({@code GET /v1/agents}, paged
 * like the buckets: {@link Paging}).
 *
 * <p>A report is taken only from a credential bound to its server id (403 {@code forbidden} otherwise: a node cannot
 * report load for the others), and a report from a new server only while the cluster tracks fewer than
 * {@code BMS_MAX_AGENTS} (503 {@code too_many_agents} otherwise: known agents keep reporting, and a slot frees when an
 * agent that stopped reporting leaves the map).
 */
public final class AgentRoutes implements ApiRoutes {

    /** One agent in {@code GET /v1/agents}. */
    @JsonPropertyOrder({"serverId", "region", "pool", "lastReportAt", "stale", "latest", "reports"})
    public record AgentView(
            String serverId,
            String region,
            String pool,
            long lastReportAt,
            boolean stale,
            AgentReport latest,
            List<AgentReport> reports) {}

    /** Seconds a client is told to wait after {@code too_many_agents}. */
    static final int RETRY_AFTER_SECONDS = 60;

    private final AgentRegistry agents;
    private final InstantSource clock;
    private final int maxAgents;

    public AgentRoutes(AgentRegistry agents, InstantSource clock, int maxAgents) {
        this.agents = agents;
        this.clock = clock;
        this.maxAgents = maxAgents;
    }

    @Override
    public void mount(ApiRouter router) {
        router.add(HttpMethod.POST, "/v1/agents/:serverId/reports", Access.AGENT, this::report);
        router.add(HttpMethod.GET, "/v1/agents", Access.READ, this::list);
    }

    private void report(RoutingContext ctx) throws Exception {
        String serverId = ctx.pathParam("serverId");
        AgentReport.checkServerId(serverId);
        Caller caller = ctx.get(Caller.CONTEXT_KEY);
        if (!caller.mayReportFor(serverId)) {
            throw ApiException.forbidden(
                    "credential '" + caller.name() + "' may report only for servers " + caller.servers());
        }
        // Counted on this member's copy of the map: members may admit a few past the cap at once, never unboundedly.
        if (agents.get(serverId) == null && agents.size() >= maxAgents) {
            ctx.response().putHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            throw new ApiException(
                    503,
                    "too_many_agents",
                    "the cluster tracks its maximum of " + maxAgents
                            + " agents (BMS_MAX_AGENTS); reports from known servers are still taken");
        }
        AgentReport report = Replies.body(ctx, AgentReport.class).validate(serverId);
        Replies.then(
                ctx,
                Replies.onContext(agents.report(report, clock.millis())),
                v -> Replies.json(ctx, 202, Map.of("accepted", true)));
    }

    private void list(RoutingContext ctx) {
        int limit = Paging.limit(ctx.request().getParam("limit"));
        String after = Paging.after(ctx.request().getParam("cursor"));
        long now = clock.millis();
        List<AgentState> page = agents.page(after, limit + 1);
        List<AgentView> views =
                page.stream().limit(limit).map(a -> view(a, now)).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agents", views);
        body.put(
                "nextCursor",
                page.size() > limit ? Paging.cursor(views.get(limit - 1).serverId()) : null);
        Replies.json(ctx, 200, body);
    }

    private AgentView view(AgentState a, long now) {
        return new AgentView(
                a.serverId(), a.region(), a.pool(), a.lastReportAt(), agents.isStale(a, now), a.latest(), a.reports());
    }
}
