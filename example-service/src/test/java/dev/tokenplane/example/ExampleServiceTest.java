package dev.tokenplane.example;

import dev.tokenplane.runtime.http.MalformedBodyContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The example service's server ({@link ExampleService#listen}) against a chunked login body that breaks off
 * ({@link MalformedBodyContract}). The route is the login route's body handling, with a stand-in for the password
 * check (the real one asks a BMS).
 */
class ExampleServiceTest extends MalformedBodyContract {
    private final AtomicInteger logins = new AtomicInteger();

    @Override
    protected Future<HttpServer> listen(Vertx vertx) {
        Router router = Router.router(vertx);
        router.post("/login").handler(BodyHandler.create().setBodyLimit(4096)).handler(ctx -> {
            logins.incrementAndGet();
            ctx.response().end("{}");
        });
        return ExampleService.listen(vertx, router, "127.0.0.1", 0);
    }

    @Override
    protected String target() {
        return "/login?user=alice";
    }

    @Override
    protected JsonObject goodBody() {
        return new JsonObject().put("password", "x");
    }

    @Override
    protected int goodStatus() {
        return 200;
    }

    @Override
    protected int handled() {
        return logins.get();
    }
}
