package dev.tokenplane.bms.http;

import dev.tokenplane.bms.audit.AuditLog;
import dev.tokenplane.bms.audit.AuditRecord;
import dev.tokenplane.bms.rules.InvalidInputException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/audit?since=&limit=&cursor=}: the audit log of the whole cluster from this member's disk
 * ({@link AuditLog}), <b>oldest first</b> from {@code since} (epoch millis or an ISO-8601 instant; default: the oldest
 * record kept), paged like the other listings ({@link Paging}). For the admin and the read-only operator.
 */
public final class AuditRoutes implements ApiRoutes {
    private final Vertx vertx;
    private final AuditLog audit;

    public AuditRoutes(Vertx vertx, AuditLog audit) {
        this.vertx = vertx;
        this.audit = audit;
    }

    @Override
    public void mount(ApiRouter router) {
        router.add(HttpMethod.GET, "/v1/audit", Access.READ, this::list);
    }

    private void list(RoutingContext ctx) {
        int limit = Paging.limit(ctx.request().getParam("limit"));
        String cursor = Paging.after(ctx.request().getParam("cursor"));
        String since = AuditRecord.lowerBound(since(ctx.request().getParam("since")));
        String after = cursor != null && cursor.compareTo(since) > 0 ? cursor : since;
        Future<List<AuditRecord>> page = vertx.executeBlocking(() -> audit.after(after, limit + 1), false);
        Replies.then(ctx, page, records -> {
            List<AuditRecord> shown = records.size() > limit ? records.subList(0, limit) : records;
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("records", shown);
            body.put(
                    "nextCursor",
                    records.size() > limit ? Paging.cursor(shown.get(limit - 1).id()) : null);
            Replies.json(ctx, 200, body);
        });
    }

    /** {@code since} as epoch millis: digits, or an ISO-8601 instant ({@code 2026-01-31T12:00:00Z}). */
    static long since(String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            if (value.chars().allMatch(Character::isDigit) && value.length() <= 13) {
                return Long.parseLong(value);
            }
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new InvalidInputException(
                    "since must be epoch milliseconds or an ISO-8601 instant such as " + "2026-01-31T12:00:00Z");
        }
    }
}
