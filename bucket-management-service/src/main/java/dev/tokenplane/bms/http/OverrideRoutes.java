package dev.tokenplane.bms.http;

import dev.tokenplane.bms.config.OverrideRegistry;
import dev.tokenplane.bms.rules.BucketOverride;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/overrides} (admin or read-only token): the stored overrides in key order, paged like {@code GET /v1/buckets}, so that
 * operators can review and back them up. Answered from this member's replicated copy (no remote call). Expired
 * overrides are listed too (they no longer hold, see {@code expiresAt}) until they are cleared.
 */
public final class OverrideRoutes implements ApiRoutes {
    private final OverrideRegistry overrides;
    private final InstantSource clock;

    public OverrideRoutes(OverrideRegistry overrides, InstantSource clock) {
        this.overrides = overrides;
        this.clock = clock;
    }

    @Override
    public void mount(ApiRouter router) {
        router.add(HttpMethod.GET, "/v1/overrides", Access.READ, this::list);
    }

    private void list(RoutingContext ctx) {
        String prefix = Paging.keyPrefix(ctx.request().getParam("prefix"));
        int limit = Paging.limit(ctx.request().getParam("limit"));
        String after = Paging.after(ctx.request().getParam("cursor"));
        boolean activeOnly = Query.flag(ctx.request(), "active");
        long now = clock.millis();
        List<BucketOverride> matching = overrides.all().stream()
                .filter(o -> o.key().startsWith(prefix))
                .filter(o -> after == null || o.key().compareTo(after) > 0)
                .filter(o -> !activeOnly || o.isActiveAt(now))
                .sorted(Comparator.comparing(BucketOverride::key))
                .limit(limit + 1L)
                .toList();
        List<BucketOverride> page = matching.size() > limit ? matching.subList(0, limit) : matching;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("overrides", page);
        body.put(
                "nextCursor",
                matching.size() > limit
                        ? Paging.cursor(page.get(page.size() - 1).key())
                        : null);
        Replies.json(ctx, 200, body);
    }
}
