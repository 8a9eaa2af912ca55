package dev.tokenplane.bms.http;

import dev.tokenplane.bms.audit.AuditSink;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.util.List;
import java.util.Locale;

/**
 * Builds the BMS router. Every route goes through {@link #add}, which puts the same steps before its handler, in this
 * order: the readiness gate ({@code /v1} routes answer 503 until the member has started; while it shuts down they are
 * still served, until the server stops accepting), the access check (401, or 403 for a credential of the wrong role),
 * the audit record of an admin write ({@link AuditTrail}), the content-type check for bodies (415), and the body
 * limit (413; Vert.x Web's body handler, or {@link SmallBody} for the single acquire). Failures of any step or
 * handler, and unmatched requests, go to {@link ErrorMapper}. The single acquire's path is also matched by
 * {@link FastRoutes}, ahead of Vert.x Web's regex matching, with the same steps.
 *
 * <p>Each route carries its {@link Access} as metadata ({@link #ACCESS}), so tests can walk every write route.
 */
public final class ApiRouter {
    private static final ErrorMapper.ApiError NOT_READY =
            new ErrorMapper.ApiError(503, "unavailable", "the service is starting or shutting down");

    /** The route metadata key of a route's {@link Access}. */
    public static final String ACCESS = "tp.access";

    private final Router router;
    private final Auth auth;
    private final AuditSink audit;
    private final Readiness readiness;
    private final BodyBuffers bodyHandler;
    private final int maxBodyBytes;
    private final FastRoutes fastRoutes = new FastRoutes();

    private ApiRouter(Router router, Auth auth, AuditSink audit, Readiness readiness, int maxBodyBytes) {
        this.router = router;
        this.auth = auth;
        this.audit = audit;
        this.readiness = readiness;
        this.maxBodyBytes = maxBodyBytes;
        this.bodyHandler = new BodyBuffers(maxBodyBytes);
    }

    /** A router with every group of {@code groups} mounted, sending a record of each admin write to {@code audit}. */
    public static Router create(
            Vertx vertx, Auth auth, AuditSink audit, Readiness readiness, int maxBodyBytes, List<ApiRoutes> groups) {
        Router router = Router.router(vertx);
        ApiRouter api = new ApiRouter(router, auth, audit, readiness, maxBodyBytes);
        router.route().handler(RequestIds::handle);
        router.route().failureHandler(ErrorMapper::handleFailure);
        router.route().handler(api.fastRoutes); // before every route: what it takes skips Vert.x Web's matching
        for (ApiRoutes g : groups) {
            g.mount(api);
        }
        for (int status : new int[] {400, 404, 405, 413, 415, 500}) {
            router.errorHandler(status, ctx -> ErrorMapper.handleStatus(ctx, status));
        }
        return router;
    }

    /**
     * Adds a route.
     *
     * @param path a Vert.x path ({@code /v1/rules/:ruleId}); {@code openapi.json} must describe it
     */
    public Route add(HttpMethod method, String path, Access access, RouteHandler handler) {
        return add(method, path, access, null, handler);
    }

    /**
     * Adds a route with a step of its own between the {@link Guard} (the caller is known) and the body handler: a
     * refusal there costs no body parsing.
     */
    public Route add(HttpMethod method, String path, Access access, PlatformHandler beforeBody, RouteHandler handler) {
        boolean hasBody = method == HttpMethod.POST || method == HttpMethod.PUT;
        Route route = guarded(method, path, access, beforeBody);
        if (hasBody) {
            route.handler(bodyHandler);
        }
        return route.handler(ctx -> {
            try {
                handler.handle(ctx);
            } catch (Exception e) {
                ctx.fail(e);
            }
        });
    }

    /**
     * Adds a route whose small JSON body its handler takes as an argument ({@link SmallBody}: the same limit and the
     * same errors as the other routes' body handler, less work per request), with {@code beforeBody} as in
     * {@link #add(HttpMethod, String, Access, PlatformHandler, RouteHandler)} (a step that goes on with
     * {@code next}). For the single acquire; the body is not in {@code ctx.body()}. A path with one parameter is
     * also matched by {@link FastRoutes}, ahead of Vert.x Web's matching, with the same steps.
     */
    Route addSmallBody(HttpMethod method, String path, Access access, Step beforeBody, SmallBody.BodyHandler handler) {
        Guard guard = guard(method, path, access);
        Route route = guarded(
                        method, path, access, guard, beforeBody == null ? null : ctx -> beforeBody.run(ctx, ctx::next))
                .handler(ctx -> SmallBody.read(ctx, maxBodyBytes, handler));
        if (FastRoutes.fits(path)) {
            fastRoutes.add(method, path, route.getName(), ctx -> {
                if (!guard.admit(ctx)) {
                    return;
                }
                if (beforeBody == null) {
                    SmallBody.read(ctx, maxBodyBytes, handler);
                } else {
                    beforeBody.run(ctx, () -> SmallBody.read(ctx, maxBodyBytes, handler));
                }
            });
        }
        return route;
    }

    /** A step before the body that calls {@code next} to go on (or answers the request itself). */
    @FunctionalInterface
    interface Step {
        void run(RoutingContext ctx, Runnable next);
    }

    /** A route with its {@link Guard} and {@code beforeBody} (may be null). */
    private Route guarded(HttpMethod method, String path, Access access, PlatformHandler beforeBody) {
        return guarded(method, path, access, guard(method, path, access), beforeBody);
    }

    private Route guarded(HttpMethod method, String path, Access access, Guard guard, PlatformHandler beforeBody) {
        Route route = router.route(method, path).putMetadata(ACCESS, access);
        route.handler(guard);
        if (beforeBody != null) {
            route.handler(beforeBody);
        }
        return route;
    }

    /** The {@link Guard} of a route. */
    private Guard guard(HttpMethod method, String path, Access access) {
        boolean gated = path.startsWith("/v1/");
        boolean hasBody = method == HttpMethod.POST || method == HttpMethod.PUT;
        boolean audited = access == Access.ADMIN && method != HttpMethod.GET && method != HttpMethod.HEAD;
        return new Guard(gated, access, hasBody, audited ? path : null);
    }

    /** A route handler; what it throws goes to {@link ErrorMapper}. */
    @FunctionalInterface
    public interface RouteHandler {
        void handle(RoutingContext ctx) throws Exception;
    }

    /**
     * The steps before the body is read: readiness, access, content type. A {@link PlatformHandler} so that Vert.x
     * lets it run before the body handler.
     */
    private final class Guard implements PlatformHandler {
        private final boolean gated;
        private final Access access;
        private final boolean hasBody;
        /** The route's path when its requests are audited, else null. */
        private final String auditedRoute;

        Guard(boolean gated, Access access, boolean hasBody, String auditedRoute) {
            this.gated = gated;
            this.access = access;
            this.hasBody = hasBody;
            this.auditedRoute = auditedRoute;
        }

        @Override
        public void handle(RoutingContext ctx) {
            if (admit(ctx)) {
                ctx.next();
            }
        }

        /** Whether the request may go on; if not, it has been answered. */
        boolean admit(RoutingContext ctx) {
            if (gated && readiness.state() == Readiness.State.STARTING) {
                ErrorMapper.send(ctx, NOT_READY);
                return false;
            }
            Caller caller;
            try {
                caller = auth.check(access, ctx.request());
                if (caller != null && auditedRoute != null) {
                    AuditTrail.attach(ctx, audit, caller, auditedRoute);
                }
                if (hasBody && !acceptableBody(ctx.request())) {
                    throw new ApiException(
                            415,
                            "unsupported_media_type",
                            "request bodies must be sent with Content-Type: application/json");
                }
            } catch (ApiException e) {
                ErrorMapper.respond(ctx, e);
                return false;
            }
            if (caller != null) {
                ctx.put(Caller.CONTEXT_KEY, caller);
                if (caller.role() == Caller.Role.CLIENT) {
                    ctx.put(Auth.CLIENT_ID, caller.name());
                    if (caller.tier() != null) {
                        ctx.put(Auth.CLIENT_TIER, caller.tier());
                    }
                }
            }
            return true;
        }
    }

    /** A JSON content type, or no body at all. */
    private static boolean acceptableBody(HttpServerRequest request) {
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null) {
            String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
            return request.getHeader(HttpHeaders.TRANSFER_ENCODING) == null
                    && (length == null || "0".equals(length.trim()));
        }
        if (type.equals("application/json")) { // the common case, without a copy of the header
            return true;
        }
        int semicolon = type.indexOf(';');
        String mime =
                (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return mime.equals("application/json") || (mime.startsWith("application/") && mime.endsWith("+json"));
    }
}
