package dev.tokenplane.example;

import dev.tokenplane.client.RateLimiterClient;
import dev.tokenplane.client.web.KeyResolvers;
import dev.tokenplane.client.web.RateLimitHandler;
import dev.tokenplane.runtime.http.MalformedBodies;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * A tiny service behind the rate-limit middleware, for the demo:
 * <ul>
 *   <li>{@code GET /hello}: limited per caller (the BMS checks the caller's {@code X-Api-Key} and names the bucket
 *       by its client id, {@code free:alice}; an unknown key gets 401; without a key, {@code free:ip-<address>}),
 *       on the BMS's example rule {@code free:*} (5 r/s, bursts of 10): the 11th request
 *       of a burst gets a 429 with {@code Retry-After};</li>
 *   <li>{@code GET /report}: one bucket {@code free:reports} for everyone, in delay mode: a burst waits its turn
 *       (up to 3 s) instead of getting 429s;</li>
 *   <li>{@code GET /api/orders}: the caller's own bucket {@code api:{client}:orders} (its API key's tier decides the
 *       rule) and the route's {@code route:GET:/api/orders}, checked all at once;</li>
 *   <li>{@code POST /login?user=…} with {@code {"password": …}}: login protection ({@link LoginRoute}), per
 *       username, per IP and a global guard, all or nothing; a failed attempt costs a token of each, a successful one
 *       gives them back (the demo accepts any username with {@code EXAMPLE_DEMO_PASSWORD}; unset, every attempt
 *       fails);</li>
 *   <li>{@code GET /health}: not limited.</li>
 * </ul>
 * Settings (environment): {@code EXAMPLE_PORT} (8081), {@code EXAMPLE_HOST} (127.0.0.1), {@code EXAMPLE_BMS_URLS}
 * (comma-separated, http://127.0.0.1:8080), {@code EXAMPLE_AGENT_URL} (the load agent's latency intake,
 * http://127.0.0.1:9470/v1/latency; {@code off} for none), {@code EXAMPLE_API_KEY} (the service's own API key, sent
 * to the BMS when it has API keys configured; a caller's own {@code X-Api-Key} is forwarded in its place),
 * {@code EXAMPLE_DEMO_PASSWORD} (the demo login's password; unset: no login succeeds).
 */
public final class ExampleService {
    private ExampleService() {}

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        int port = Integer.parseInt(env.getOrDefault("EXAMPLE_PORT", "8081"));
        String host = env.getOrDefault("EXAMPLE_HOST", "127.0.0.1");
        String[] bmsUrls = Arrays.stream(env.getOrDefault("EXAMPLE_BMS_URLS", "http://127.0.0.1:8080")
                        .split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toArray(String[]::new);
        String agent = env.getOrDefault("EXAMPLE_AGENT_URL", "http://127.0.0.1:9470/v1/latency");
        URI agentUrl = "off".equalsIgnoreCase(agent) || agent.isBlank() ? null : URI.create(agent);

        Vertx vertx = Vertx.vertx();
        RateLimiterClient client = RateLimiterClient.builder()
                .bmsUrls(bmsUrls)
                .apiKey(env.get("EXAMPLE_API_KEY"))
                .build();

        // A caller with an API key: the key goes to the BMS, which checks it (an invented one gets 401) and puts the
        // caller's client id in place of {client}: one bucket per client, free:alice, and no secret in any key.
        // A caller without one: a bucket per IP address, decided with this service's own API key.
        RateLimitHandler perApiKey = RateLimitHandler.builder(client)
                .keyResolver(KeyResolvers.firstOf(KeyResolvers.perClient("free:"), KeyResolvers.ip("free:ip-")))
                .forwardApiKey()
                .latencyAgentUrl(agentUrl)
                .build();
        RateLimitHandler queued = RateLimitHandler.builder(client)
                .keyResolver(KeyResolvers.fixed("free:reports"))
                .delayMode(Duration.ofSeconds(3))
                .latencyAgentUrl(agentUrl)
                .build();

        // Per client and per API at once: the caller's own bucket (api:{client}:orders, its tier's rule) and the
        // route's bucket (route:GET:/api/orders), in one all-or-nothing call: a denial by one costs the other nothing.
        RateLimitHandler clientAndRoute = RateLimitHandler.builder(client)
                .keyResolver(ctx -> ctx.request().getHeader("X-Api-Key") == null ? null : "api:{client}:orders")
                .alsoKeyResolver(KeyResolvers.route("route:"))
                .forwardApiKey()
                .latencyAgentUrl(agentUrl)
                .build();
        // Login protection: per username, per IP and for the whole site, all or nothing, through leases: a failed
        // attempt keeps its tokens spent, a successful one gives them back.
        String demoPassword = env.get("EXAMPLE_DEMO_PASSWORD");
        LoginRoute login = new LoginRoute(
                new LoginGuard(HttpClient.newHttpClient(), URI.create(bmsUrls[0]), env.get("EXAMPLE_API_KEY")),
                "login:",
                (user, password) -> demoPassword != null
                        && MessageDigest.isEqual(
                                password.getBytes(StandardCharsets.UTF_8),
                                demoPassword.getBytes(StandardCharsets.UTF_8)));

        Router router = Router.router(vertx);
        router.get("/api/orders")
                .handler(clientAndRoute)
                .handler(ctx ->
                        ctx.response().putHeader("Content-Type", "text/plain").end("orders\n"));
        // the demo's password check: any username with EXAMPLE_DEMO_PASSWORD (unset: every attempt fails)
        router.post("/login").handler(BodyHandler.create().setBodyLimit(4096)).handler(login);
        router.get("/health").handler(ctx -> ctx.response().end("{\"status\":\"UP\"}"));
        router.get("/hello")
                .handler(perApiKey)
                .handler(ctx ->
                        ctx.response().putHeader("Content-Type", "text/plain").end("hello\n"));
        router.get("/report")
                .handler(queued)
                .handler(ctx ->
                        ctx.response().putHeader("Content-Type", "text/plain").end("report ready\n"));

        HttpServer server = listen(vertx, router, host, port).await();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            perApiKey.close();
                            clientAndRoute.close();
                            queued.close();
                            client.close();
                            vertx.close().await();
                        },
                        "example-shutdown"));
        System.out.println("Example service at http://" + host + ":" + server.actualPort() + " (BMS "
                + String.join(",", bmsUrls) + ")");
    }

    /**
     * Serves {@code router} on {@code host:port}. A request whose chunked body the HTTP decoder cannot read (the
     * {@code POST /login} body) gets 400 {@code {"error":"bad_request","message":"malformed chunked body"}} and the
     * connection is closed, instead of a silent close ({@link MalformedBodies}).
     */
    static Future<HttpServer> listen(Vertx vertx, Router router, String host, int port) {
        router.route().failureHandler(ctx -> {
            if (ctx.failure() instanceof MalformedBodies.MalformedBodyException) {
                MalformedBodies.answer(ctx.response());
            } else {
                ctx.next();
            }
        });
        return vertx.createHttpServer()
                .requestHandler(router)
                .connectionHandler(MalformedBodies::install)
                .listen(port, host);
    }
}
