package dev.tokenplane.bms.http;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.tokenplane.bms.agents.AgentRegistry;
import dev.tokenplane.bms.agents.AgentReport;
import dev.tokenplane.bms.agents.AgentState;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/** Agent report intake ({@code POST /v1/agents/{serverId}/reports}) and the agents list ({@code GET /v1/agents}). */
public final class AgentRoutes implements ApiRoutes {

    /** One agent in {@code GET /v1/agents}. */
    @JsonPropertyOrder({"serverId", "region", "pool", "lastReportAt", "stale", "latest", "reports"})
    public record AgentView(String serverId, String region, String pool, long lastReportAt, boolean stale,
                            AgentReport latest, List<AgentReport> reports) {
    }

    private final AgentRegistry agents;
    private final InstantSource clock;

    public AgentRoutes(AgentRegistry agents, InstantSource clock) {
        this.agents = agents;
        this.clock = clock;
    }

    @Override
    public void mount(ApiRouter router) {
        router.add(HttpMethod.POST, "/v1/agents/:serverId/reports", Access.AGENT, this::report);
        router.add(HttpMethod.GET, "/v1/agents", Access.ADMIN, this::list);
    }

    private void report(RoutingContext ctx) throws Exception {
        String serverId = ctx.pathParam("serverId");
        AgentReport.checkServerId(serverId);
        AgentReport report = Replies.body(ctx, AgentReport.class).validate(serverId);
        Replies.then(ctx, Replies.onContext(agents.report(report, clock.millis())),
                v -> Replies.json(ctx, 202, Map.of("accepted", true)));
    }

    private void list(RoutingContext ctx) {
        long now = clock.millis();
        List<AgentView> views = agents.all().stream().map(a -> view(a, now)).toList();
        Replies.json(ctx, 200, Map.of("agents", views));
    }

    private AgentView view(AgentState a, long now) {
        return new AgentView(a.serverId(), a.region(), a.pool(), a.lastReportAt(), agents.isStale(a, now), a.latest(),
                a.reports());
    }
}
