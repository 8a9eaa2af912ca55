package dev.tokenplane.bms.http;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.tokenplane.bms.decide.DecisionService;
import dev.tokenplane.bms.rules.BucketKeys;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.Tokens;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import static dev.tokenplane.bms.rules.InvalidInputException.check;

/**
 * The contract extension for client token leases: {@code POST /v1/buckets/{key}/release} with {@code {"tokens": n}}
 * gives back tokens a client took with an acquire and did not use.
 *
 * <p>The tokens are credited through {@link BucketStore#credit(String, long)}: never above the bucket's capacity (what
 * does not fit is dropped, and {@code accepted} says how much went in), and never into a bucket that does not exist
 * (it answers {@code accepted: 0}). So a release cannot let a bucket hold more than its capacity, and a lease that
 * takes n and gives back m never admits more than the n - m it used. Access, validation and errors are those of the
 * decision endpoints: an API key when keys are configured, {@code tokens} in [1, 10^9], 404 {@code no_rule} for a key
 * no rule serves.
 */
public final class ReleaseRoutes implements ApiRoutes {

    /** The body: how many tokens to give back, required. */
    public record ReleaseBody(Long tokens) {
    }

    /**
     * The answer: tokens offered, and tokens the bucket accepted (fractional: a bucket that refilled a little since
     * the tokens were taken has room for a little less than a whole token).
     */
    @JsonPropertyOrder({"key", "tokens", "accepted", "ruleId"})
    public record Released(String key, long tokens, double accepted, String ruleId) {
    }

    private final DecisionService decisions;
    private final BucketStore store;

    public ReleaseRoutes(DecisionService decisions, BucketStore store) {
        this.decisions = decisions;
        this.store = store;
    }

    @Override
    public void mount(ApiRouter router) {
        router.add(HttpMethod.POST, "/v1/buckets/:key/release", Access.DECISION, this::release);
    }

    private void release(RoutingContext ctx) throws Exception {
        String key = BucketKeys.check("key", ctx.pathParam("key"));
        ReleaseBody body = Replies.body(ctx, ReleaseBody.class);
        check(body.tokens() != null, "tokens is required, in [1, " + Tokens.MAX_CAPACITY + "]");
        long tokens = body.tokens();
        check(tokens >= 1 && tokens <= Tokens.MAX_CAPACITY,
                "tokens must be in [1, " + Tokens.MAX_CAPACITY + "], was " + tokens);
        String ruleId = decisions.bind(key, ctx.get(Auth.CLIENT_ID)).rule().id();
        Replies.then(ctx, Replies.onContext(store.credit(key, Tokens.toNano(tokens))),
                accepted -> Replies.json(ctx, 200, new Released(key, tokens, (double) accepted / Tokens.SCALE, ruleId)));
    }
}
