package dev.tokenplane.bms.http;

import io.vertx.core.http.HttpMethod;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /v1/whoami} (admin or read-only token): the calling credential's name and role and whether it may write
 * configuration, so that the dashboard and the CLI can hide or refuse writes up front instead of probing for a 403.
 */
public final class WhoAmIRoutes implements ApiRoutes {
    @Override
    public void mount(ApiRouter router) {
        router.add(HttpMethod.GET, "/v1/whoami", Access.READ, ctx -> {
            Caller caller = ctx.get(Caller.CONTEXT_KEY);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("credential", caller.name());
            body.put("role", caller.role().name().toLowerCase(Locale.ROOT));
            body.put("canWrite", caller.role() == Caller.Role.ADMIN);
            Replies.json(ctx, 200, body);
        });
    }
}
