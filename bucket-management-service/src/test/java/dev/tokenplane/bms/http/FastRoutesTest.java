package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.support.Api;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@link FastRoutes} against Vert.x Web's own matching, over real HTTP: two servers, one with only Vert.x Web's routes
 * for {@code POST /v1/buckets/:key/acquire} and {@code POST /v1/rules/:ruleId}, one with the fast routes in front of
 * the same routes. Every request (raw bytes: any method, any path) gets the same status and body from both, with the
 * same decoded parameter, and every request Vert.x Web's route matches is taken by the fast route.
 */
class FastRoutesTest {
    static final List<String> TEMPLATES = List.of("/v1/buckets/:key/acquire", "/v1/rules/:ruleId");
    static Vertx vertx;
    static Api plain;
    static Api fast;

    @BeforeContainer
    static void start() throws Exception {
        vertx = Vertx.vertx();
        Router vertxOnly = Router.router(vertx);
        Router withFast = Router.router(vertx);
        FastRoutes fastRoutes = new FastRoutes();
        withFast.route().handler(fastRoutes);
        for (String template : TEMPLATES) {
            String param = template.substring(template.indexOf(':') + 1).split("/")[0];
            vertxOnly.route(HttpMethod.POST, template).handler(ctx -> answer(ctx, param, "vertx"));
            Route route = withFast.route(HttpMethod.POST, template).handler(ctx -> answer(ctx, param, "vertx"));
            fastRoutes.add(HttpMethod.POST, template, route.getName(), ctx -> answer(ctx, param, "fast"));
        }
        plain = new Api("http://127.0.0.1:" + listen(vertxOnly), null);
        fast = new Api("http://127.0.0.1:" + listen(withFast), null);
    }

    @AfterContainer
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static void answer(RoutingContext ctx, String param, String by) {
        ctx.response().putHeader("x-matched-by", by).end(param + "=" + ctx.pathParam(param));
    }

    static int listen(Router router) throws Exception {
        HttpServer server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        return server.actualPort();
    }

    @Example
    void takesTheKeysTheRegexRouteTakesDecodedAlike() {
        for (String path : List.of(
                "/v1/buckets/k/acquire",
                "/v1/buckets/k/acquire/",
                "/v1/buckets/k/acquire//", // the normalized path has one slash
                "/v1/buckets/a%2Fb/acquire",
                "/v1/buckets/%C3%A9t%C3%A9/acquire",
                "/v1/buckets/a+b%20c/acquire",
                "/v1/buckets/%41/acquire",
                "/v1/buckets/x/./acquire",
                "/v1/buckets/y/../x/acquire",
                "/v1/buckets/acquire/acquire",
                "/v1/buckets/k/acquire?key=other",
                "/v1/rules/r1",
                "/v1/rules/r1/")) {
            Api.Response r = same("POST", path);
            assertThat(r.status()).as(path).isEqualTo(200);
            assertThat(r.header("x-matched-by")).as(path).isEqualTo("fast");
        }
        assertThat(same("POST", "/v1/buckets/a%2Fb/acquire").body()).isEqualTo("key=a/b");
        assertThat(same("POST", "/v1/buckets/%C3%A9t%C3%A9/acquire").body()).isEqualTo("key=été");
    }

    @Example
    void leavesEverythingElseToVertxWeb() {
        for (String path : List.of(
                "/v1/buckets//acquire",
                "/v1/buckets/acquire",
                "/v1/buckets/k/acquire/extra",
                "/v1/buckets/k/ACQUIRE",
                "/v1/buckets/%zz/acquire",
                "/v1/buckets/%/acquire",
                "/v1/buckets/a/b/acquire",
                "/v1/rules/",
                "/v1/rules/a/b")) {
            Api.Response r = same("POST", path);
            assertThat(r.status()).as(path).isNotEqualTo(200);
        }
        for (String method : List.of("GET", "PUT", "DELETE", "PATCH", "HEAD")) {
            assertThat(same(method, "/v1/buckets/k/acquire").status())
                    .as(method)
                    .isEqualTo(405);
        }
    }

    @Property(tries = 300)
    void answersAsVertxWebDoes(@ForAll("methods") String method, @ForAll("paths") String path) {
        same(method, path);
    }

    /** The answer of both servers, asserted the same, and taken by the fast route exactly when Vert.x Web's matches. */
    static Api.Response same(String method, String path) {
        Api.Response expected = plain.raw(method, path, Map.of(), new byte[0]);
        Api.Response actual = fast.raw(method, path, Map.of(), new byte[0]);
        assertThat(actual.status()).as(method + " " + path).isEqualTo(expected.status());
        assertThat(actual.body()).as(method + " " + path).isEqualTo(expected.body());
        boolean matched = "vertx".equals(expected.header("x-matched-by"));
        assertThat(actual.header("x-matched-by")).as(method + " " + path).isEqualTo(matched ? "fast" : null);
        return actual;
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just("POST")), Tuple.of(1, Arbitraries.of("GET", "PUT", "DELETE", "OPTIONS")));
    }

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> prefix = Arbitraries.of(
                "/v1/buckets/",
                "/v1/buckets/",
                "/v1/buckets/",
                "/v1/rules/",
                "/v1/buckets",
                "/v1//buckets/",
                "/V1/buckets/",
                "/v1/buckets/./",
                "/x/../v1/buckets/",
                "/v1/rules");
        Arbitrary<String> piece = Arbitraries.of(
                "k",
                "a:b",
                "acquire",
                "%2F",
                "%2f",
                "%C3%A9",
                "%41",
                "%",
                "%z",
                "%%",
                "%4",
                "+",
                ".",
                "..",
                "/",
                "",
                "%20",
                "~",
                "-_",
                "%00",
                "@",
                "!$&'()*,;=");
        Arbitrary<String> key = piece.list().ofMinSize(0).ofMaxSize(4).map(p -> String.join("", p));
        Arbitrary<String> suffix = Arbitraries.of(
                "/acquire",
                "/acquire",
                "/acquire/",
                "/acquire//",
                "/acquire/extra",
                "",
                "/",
                "/acquir",
                "/./acquire",
                "/x/../acquire",
                "/acquire?x=1",
                "/acquire?key=z%2F");
        return Combinators.combine(prefix, key, suffix).as((p, k, s) -> p + k + s);
    }

    @Example
    void fitsPathsWithOneWholeParameterSegment() {
        assertThat(FastRoutes.fits("/v1/buckets/:key/acquire")).isTrue();
        assertThat(FastRoutes.fits("/v1/rules/:ruleId")).isTrue();
        assertThat(FastRoutes.fits("/v1/acquire")).isFalse();
        assertThat(FastRoutes.fits("/v1/pools/:pool/:x")).isFalse();
        assertThat(FastRoutes.fits("/v1/x:y")).isFalse();
        assertThat(FastRoutes.fits("/v1/:key.json")).isFalse();
        assertThat(FastRoutes.fits("/v1/:key/*")).isFalse();
        assertThat(FastRoutes.fits("/v1/:/x")).isFalse();
    }
}
