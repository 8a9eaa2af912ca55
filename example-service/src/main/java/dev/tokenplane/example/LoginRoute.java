package dev.tokenplane.example;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * {@code POST /login?user=<name>} with {@code {"password": "..."}}: a login attempt behind {@link LoginGuard}, on the
 * buckets {@code <prefix>user:<name>}, {@code <prefix>ip:<address>} and {@code <prefix>all}. 429 with
 * {@code Retry-After} when a bucket refuses (before the password is looked at), 401 for a wrong password (the tokens
 * stay spent), 200 for a right one (the tokens go back), 503 when the BMS cannot answer (fail closed).
 * Needs a body handler before it.
 */
public final class LoginRoute implements Handler<RoutingContext> {
    private final LoginGuard guard;
    private final String prefix;
    private final BiPredicate<String, String> passwordCheck;

    /** {@code passwordCheck}: (username, password) to whether they match. */
    public LoginRoute(LoginGuard guard, String prefix, BiPredicate<String, String> passwordCheck) {
        this.guard = guard;
        this.prefix = prefix;
        this.passwordCheck = passwordCheck;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String user = ctx.request().getParam("user");
        if (user == null || user.isBlank() || user.length() > 200) {
            answer(ctx, 400, "validation", "the query parameter user (1..200 characters) is required");
            return;
        }
        JsonObject body = ctx.body().available() ? safeJson(ctx) : null;
        String password = body == null ? null : body.getString("password");
        List<String> keys = List.of(
                prefix + "user:" + user,
                prefix + "ip:" + ctx.request().remoteAddress().hostAddress(),
                prefix + "all");
        Future.fromCompletionStage(guard.begin(keys), ctx.vertx().getOrCreateContext())
                .onComplete(ar -> {
                    if (ar.failed()) {
                        answer(ctx, 503, "unavailable", "the rate limiter cannot answer; try again later");
                    } else if (!ar.result().allowed()) {
                        long retryAfterMs = ar.result().retryAfterMs();
                        ctx.response()
                                .putHeader("Retry-After", Long.toString(Math.max(1, (retryAfterMs + 999) / 1000)));
                        answer(ctx, 429, "rate_limited", "too many login attempts; retry in " + retryAfterMs + " ms");
                    } else if (password != null && passwordCheck.test(user, password)) {
                        // a success gives its tokens back: earlier failures of this user are not held against it
                        Future.fromCompletionStage(
                                        guard.succeeded(ar.result()),
                                        ctx.vertx().getOrCreateContext())
                                .onComplete(v -> ctx.response()
                                        .putHeader("Content-Type", "application/json")
                                        .end(new JsonObject()
                                                .put("user", user)
                                                .put("loggedIn", true)
                                                .encode()));
                    } else {
                        answer(ctx, 401, "wrong_password", "wrong username or password");
                    }
                });
    }

    private static JsonObject safeJson(RoutingContext ctx) {
        try {
            return ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            return null; // not JSON: no password
        }
    }

    private static void answer(RoutingContext ctx, int status, String error, String message) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject()
                        .put("error", error)
                        .put("message", message)
                        .encode());
    }
}
