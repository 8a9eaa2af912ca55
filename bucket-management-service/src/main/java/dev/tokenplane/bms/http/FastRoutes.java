package dev.tokenplane.bms.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.internal.net.RFC3986;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;

/**
 * The routes that {@link ApiRouter} matches with string checks ahead of Vert.x Web's own matching: a path with one
 * parameter ({@code /v1/buckets/:key/acquire}) costs Vert.x Web a regex per request, plus one for every route with a
 * parameter registered before it, and a parse of the query string (the single acquire's CPU profile, BENCHMARKS.md).
 *
 * <p>A fast route takes exactly the requests its Vert.x Web route would match, with the same parameter: the method, the
 * normalized path ({@link RoutingContext#normalizedPath()}) against the template with the parameter matching
 * {@code [^/]+} and an optional trailing slash (the regex Vert.x Web builds), the value percent-decoded as Vert.x Web
 * decodes it ({@link RFC3986#decodeURIComponent(String, boolean)}, no {@code +} to space). Whatever it does not take
 * (another method, a path that does not fit, an escape that does not decode) goes on to the Vert.x Web route, which
 * answers it as it always did (405, 404, 400). It reports the same route name to the HTTP server metrics. A fast
 * route is tried before every route of the router: its path must be matched by no other route.
 */
final class FastRoutes implements Handler<RoutingContext> {
    private volatile Template[] templates = new Template[0];

    /**
     * Takes the requests of {@code method} on {@code path} (one {@code :param} segment), reporting {@code routeName},
     * with the parameter in {@link RoutingContext#pathParams()}, to {@code taken}.
     */
    synchronized void add(HttpMethod method, String path, String routeName, Handler<RoutingContext> taken) {
        Template[] more = Arrays.copyOf(templates, templates.length + 1);
        more[templates.length] = Template.parse(method, path, routeName, taken);
        templates = more;
    }

    /**
     * Whether {@code path} is a template this class can match: exactly one parameter, a whole segment named as Vert.x
     * Web names them ({@code [A-Za-z0-9_]+}), no wildcard.
     */
    static boolean fits(String path) {
        int colon = path.indexOf(':');
        if (colon <= 0 || path.charAt(colon - 1) != '/' || path.indexOf(':', colon + 1) >= 0 || path.endsWith("*")) {
            return false;
        }
        int end = path.indexOf('/', colon);
        String name = end < 0 ? path.substring(colon + 1) : path.substring(colon + 1, end);
        return name.matches("[A-Za-z0-9_]+");
    }

    @Override
    public void handle(RoutingContext ctx) {
        for (Template t : templates) {
            String value = t.match(ctx);
            if (value != null) {
                ctx.request().routed(t.routeName);
                ctx.pathParams().put(t.param, value);
                t.taken.handle(ctx);
                return;
            }
        }
        ctx.next();
    }

    /** {@code prefix + :param + suffix}, e.g. {@code /v1/buckets/} {@code key} {@code /acquire}. */
    private record Template(
            HttpMethod method,
            String prefix,
            String param,
            String suffix,
            boolean slashOptional,
            String routeName,
            Handler<RoutingContext> taken) {
        static Template parse(HttpMethod method, String path, String routeName, Handler<RoutingContext> taken) {
            if (!fits(path)) {
                throw new IllegalArgumentException("not a path with one parameter: " + path);
            }
            int colon = path.indexOf(':');
            int end = path.indexOf('/', colon);
            String param = end < 0 ? path.substring(colon + 1) : path.substring(colon + 1, end);
            String suffix = end < 0 ? "" : path.substring(end);
            // Vert.x Web appends "/?" to the regex of a path that does not end with a slash
            return new Template(method, path.substring(0, colon), param, suffix, !path.endsWith("/"), routeName, taken);
        }

        /** The decoded parameter when the request is one of this route's, else null. */
        String match(RoutingContext ctx) {
            if (!method.equals(ctx.request().method())) {
                return null;
            }
            String path;
            try {
                path = ctx.normalizedPath();
            } catch (RuntimeException e) { // a path that does not normalize: Vert.x Web's matching answers it
                return null;
            }
            if (!path.startsWith(prefix)) {
                return null;
            }
            int end = path.length();
            if (slashOptional && end > prefix.length() && path.charAt(end - 1) == '/') {
                end--;
            }
            int valueEnd = end - suffix.length();
            if (valueEnd <= prefix.length() || !path.startsWith(suffix, valueEnd)) {
                return null;
            }
            int slash = path.indexOf('/', prefix.length());
            if (slash >= 0 && slash < valueEnd) { // the value is one segment: [^/]+
                return null;
            }
            try {
                return RFC3986.decodeURIComponent(path.substring(prefix.length(), valueEnd), false);
            } catch (IllegalArgumentException e) { // a broken escape: Vert.x Web's matching answers it (400)
                return null;
            }
        }
    }
}
