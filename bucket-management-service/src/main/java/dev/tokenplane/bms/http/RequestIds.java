package dev.tokenplane.bms.http;

import io.vertx.ext.web.RoutingContext;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The request id of every HTTP request: the caller's {@code X-Request-Id} when it is sane, else a new one. It is echoed
 * in the response's {@code X-Request-Id}, carried by every error body ({@code requestId}) and by the log lines of the
 * request (MDC key {@value #KEY}).
 *
 * <p>Handlers run on an event loop and continue asynchronously, so the MDC is set around each step that runs for the
 * request (the handlers that run at once, the error answer and its log line, the access line), never left on the
 * thread. A line logged later in a continuation names the request only if it runs inside {@link #withMdc}.
 */
public final class RequestIds {
    /** The header that carries the id, in and out. */
    public static final String HEADER = "X-Request-Id";
    /** The routing context key and the MDC key of the id. */
    public static final String KEY = "requestId";
    /** What an incoming id may be: short, printable, nothing that could forge a log line or a header. */
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:+/=-]{1,128}");
    /** The access log: every request at DEBUG, with method, path (no query), status and time. */
    private static final Logger ACCESS = LoggerFactory.getLogger("dev.tokenplane.bms.http.access");

    private RequestIds() {}

    /** The router's first handler: gives the request its id and runs the rest of the chain with it in the MDC. */
    static void handle(RoutingContext ctx) {
        String incoming = ctx.request().getHeader(HEADER);
        String id = incoming != null && SANE.matcher(incoming).matches() ? incoming : generate();
        ctx.put(KEY, id);
        ctx.response().putHeader(HEADER, id);
        if (ACCESS.isDebugEnabled()) {
            long started = System.nanoTime();
            ctx.addEndHandler(ar -> withMdc(
                    ctx,
                    () -> ACCESS.debug(
                            "{} {} {} {} ms",
                            ctx.request().method(),
                            ctx.request().path(),
                            ctx.response().getStatusCode(),
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))));
        }
        withMdc(ctx, ctx::next);
    }

    /** The id of the request, or null outside the router. */
    public static String of(RoutingContext ctx) {
        return ctx.get(KEY);
    }

    /** Runs {@code step} with the request's id in the MDC (restoring what was there). */
    public static void withMdc(RoutingContext ctx, Runnable step) {
        String id = of(ctx);
        String previous = MDC.get(KEY);
        if (id != null) {
            MDC.put(KEY, id);
        }
        try {
            step.run();
        } finally {
            if (previous == null) {
                MDC.remove(KEY);
            } else {
                MDC.put(KEY, previous);
            }
        }
    }

    /** 16 hex digits: enough to tell requests apart in logs (not a secret, so no SecureRandom on the hot path). */
    private static String generate() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
