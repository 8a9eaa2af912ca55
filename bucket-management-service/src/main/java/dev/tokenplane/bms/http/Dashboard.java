package dev.tokenplane.bms.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The operators' dashboard at {@code /ui/}: static files from the class path ({@code webroot/}, plain JavaScript
 * modules, no build step) and the chart library from its WebJar ({@code /ui/webjars/}). Everything is local: the
 * content security policy lets the page load and call nothing but this server. The files are public; every API call
 * they make carries the token the operator typed, kept in the tab's {@code sessionStorage} and never in a URL.
 */
public final class Dashboard {
    static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private Dashboard() {}

    /** Adds the dashboard's routes (outside the API: no token, no readiness gate; static files answer GET and HEAD). */
    public static void mount(Router router) {
        // No method on these routes: they are not API operations (OpenApiRoutesTest compares those with openapi.json).
        router.route("/ui").handler(ctx -> {
            if (ctx.request().path().equals("/ui")) {
                ctx.redirect("/ui/"); // relative paths in the page resolve under /ui/
            } else {
                ctx.next(); // Vert.x matches /ui/ here too
            }
        });
        router.route("/ui/*").handler(ctx -> {
            ctx.response()
                    .putHeader("Content-Security-Policy", CSP)
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Referrer-Policy", "no-referrer")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
            ctx.next();
        });
        router.route("/ui/webjars/*")
                .handler(StaticHandler.create("META-INF/resources/webjars").setDirectoryListing(false));
        router.route("/ui/*")
                .handler(StaticHandler.create("webroot")
                        .setIndexPage("index.html")
                        .setDirectoryListing(false)
                        .setCachingEnabled(false));
    }
}
