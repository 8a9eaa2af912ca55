package dev.tokenplane.bms.http;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.config.RuleRegistry;
import dev.tokenplane.bms.config.RuleSetApplier;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.RuleSetDiff;
import dev.tokenplane.bms.rules.RuleSetInput;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code PUT /v1/rules}, admin only: a whole rule set, validated entirely first, then diffed against the cluster's
 * rules. {@code ?dryRun=true} answers the diff and writes nothing; otherwise the diff is applied all or nothing by
 * {@link RuleSetApplier} (on a worker), and with {@code ?prune=true} rules absent from the set are deleted.
 */
public final class RuleSetRoutes implements ApiRoutes {

    /** The answer: the diff by rule id, each changed rule's fields as {@code {from, to}}, and whether it was applied. */
    @JsonPropertyOrder({"dryRun", "prune", "applied", "added", "changed", "removed", "unchanged", "changes"})
    public record RuleSetResult(
            boolean dryRun,
            boolean prune,
            boolean applied,
            List<String> added,
            List<String> changed,
            List<String> removed,
            List<String> unchanged,
            Map<String, Map<String, FieldChange>> changes) {}

    public record FieldChange(JsonNode from, JsonNode to) {}

    private final Vertx vertx;
    private final RuleRegistry rules;
    private final RuleSetApplier applier;
    private final InstantSource clock;

    public RuleSetRoutes(Vertx vertx, RuleRegistry rules, InstantSource clock) {
        this.vertx = vertx;
        this.rules = rules;
        this.applier = new RuleSetApplier(rules);
        this.clock = clock;
    }

    @Override
    public void mount(ApiRouter router) {
        router.add(HttpMethod.PUT, "/v1/rules", Access.ADMIN, this::put);
    }

    private void put(RoutingContext ctx) throws IOException {
        boolean dryRun = Query.flag(ctx.request(), "dryRun");
        boolean prune = Query.flag(ctx.request(), "prune");
        List<Rule> desired = Replies.body(ctx, RuleSetInput.class).toRules();
        RuleSetDiff diff = RuleSetDiff.of(rules.all(), desired);
        if (dryRun || nothingToDo(diff, prune)) {
            Replies.json(ctx, 200, result(diff, dryRun, prune, false));
            return;
        }
        Future<RuleSetDiff> applied = vertx.executeBlocking(
                        () -> {
                            applier.apply(diff, prune, clock.millis());
                            return diff;
                        },
                        false)
                .recover(e -> Future.failedFuture(
                        e instanceof RuleSetApplier.ConflictException
                                ? ApiException.conflict(e.getMessage())
                                : e instanceof RuleSetApplier.ManagedByFileException
                                        ? ApiException.managedByFile(e.getMessage())
                                        : e));
        Replies.then(
                ctx, AuditTrail.applying(ctx, applied), d -> Replies.json(ctx, 200, result(d, false, prune, true)));
    }

    private static boolean nothingToDo(RuleSetDiff diff, boolean prune) {
        return diff.added().isEmpty()
                && diff.changed().isEmpty()
                && (!prune || diff.removed().isEmpty());
    }

    private static RuleSetResult result(RuleSetDiff diff, boolean dryRun, boolean prune, boolean applied) {
        Map<String, Map<String, FieldChange>> changes = new LinkedHashMap<>();
        for (RuleSetDiff.Change c : diff.changed()) {
            changes.put(c.after().id(), fieldChanges(c.before().withVersion(0, 0), c.after()));
        }
        return new RuleSetResult(
                dryRun,
                prune,
                applied,
                ids(diff.added()),
                diff.changed().stream().map(c -> c.after().id()).toList(),
                ids(diff.removed()),
                ids(diff.unchanged()),
                changes);
    }

    /** The top-level fields that differ, as JSON values. */
    private static Map<String, FieldChange> fieldChanges(Rule before, Rule after) {
        JsonNode from = Json.STRICT.valueToTree(before);
        JsonNode to = Json.STRICT.valueToTree(after);
        Map<String, FieldChange> out = new LinkedHashMap<>();
        for (Iterator<String> it = to.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!to.get(field).equals(from.get(field))) {
                out.put(field, new FieldChange(from.get(field), to.get(field)));
            }
        }
        for (Iterator<String> it = from.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!to.has(field)) {
                out.put(field, new FieldChange(from.get(field), null));
            }
        }
        return out;
    }

    private static List<String> ids(List<Rule> list) {
        return list.stream().map(Rule::id).toList();
    }
}
