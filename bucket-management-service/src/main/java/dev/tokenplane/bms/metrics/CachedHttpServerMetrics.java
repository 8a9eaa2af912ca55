package dev.tokenplane.bms.metrics;

import dev.tokenplane.runtime.http.MalformedBodies;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP server's metrics: the requests' meters come from {@link HttpServerMeters} (looked up once), the connections'
 * meters stay Vert.x's own ({@code stock}, which resolves them once per connection). What is counted when is what
 * vertx-micrometer-metrics' {@code VertxHttpServerMetrics} counts: a request is active from its beginning until both
 * it and its answer have ended, or until it is reset; its answer is counted, timed and sized at its end, tagged with
 * its status and, when the route label is on, the routes it went through joined by {@code >}.
 *
 * <p>One difference: a request whose chunked body is malformed is counted as its answer (400), not as a reset. Vert.x
 * reports such a request reset twice, since it fails with its connection: at the failure, before the answer, and again
 * in place of the answer's end ({@code reportMetricsFailed}). The first report is left out ({@link MalformedBodies}
 * marks the connection), the second one counts the answer that was sent. A reset reported after the answer was
 * written is counted as that answer whatever the failure, and one with no answer is counted as a reset.
 */
@SuppressWarnings({"rawtypes", "unchecked"}) // the socket and websocket metrics are stock's, whatever their types
final class CachedHttpServerMetrics implements HttpServerMetrics<CachedHttpServerMetrics.Request, Object, Object> {

    private final HttpServerMeters meters;
    private final HttpServerMetrics stock;

    CachedHttpServerMetrics(HttpServerMeters meters, HttpServerMetrics<?, ?, ?> stock) {
        this.meters = meters;
        this.stock = stock;
    }

    @Override
    public Request requestBegin(Object socketMetric, HttpRequest request) {
        return new Request(meters.of(request.method()), request);
    }

    @Override
    public void requestEnd(Request request, HttpRequest httpRequest, long bytesRead) {
        request.meters.requestBytes.record(bytesRead);
        request.ended(true);
    }

    @Override
    public void requestReset(Request request) {
        if (request.http instanceof HttpServerRequest server) {
            HttpServerResponse response = server.response();
            if (response.ended()) { // reported in place of the answer's end: the answer was sent
                answered(request, response.getStatusCode(), response.bytesWritten());
                return;
            }
            if (MalformedBodies.malformedBody(server.connection())) { // its 400 comes next, and is reported as a reset
                request.reset();
                return;
            }
        }
        request.meters.resets().increment();
        request.reset();
    }

    @Override
    public Request responsePushed(Object socketMetric, HttpMethod method, String uri, HttpResponse response) {
        return new Request(meters.of(method), null);
    }

    @Override
    public void responseEnd(Request request, HttpResponse response, long bytesWritten) {
        answered(request, response.statusCode(), bytesWritten);
    }

    private static void answered(Request request, int status, long bytesWritten) {
        HttpServerMeters.ForAnswer answer = request.meters.answer(request.route(), status);
        answer.requests().increment();
        answer.responseTime().record(System.nanoTime() - request.startNanos, TimeUnit.NANOSECONDS);
        answer.responseBytes().record(bytesWritten);
        request.ended(false);
    }

    @Override
    public void requestRouted(Request request, String route) {
        if (meters.routeTagged()) {
            request.routed(route);
        }
    }

    @Override
    public Object connected(Object socketMetric, Request request, ServerWebSocket webSocket) {
        return stock.connected(socketMetric, null, webSocket); // stock reads only the connection's tags
    }

    @Override
    public void disconnected(Object webSocketMetric) {
        stock.disconnected(webSocketMetric);
    }

    @Override
    public Object connected(SocketAddress remoteAddress, String remoteName) {
        return stock.connected(remoteAddress, remoteName);
    }

    @Override
    public void disconnected(Object socketMetric, SocketAddress remoteAddress) {
        stock.disconnected(socketMetric, remoteAddress);
    }

    @Override
    public void bytesRead(Object socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
        stock.bytesRead(socketMetric, remoteAddress, numberOfBytes);
    }

    @Override
    public void bytesWritten(Object socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
        stock.bytesWritten(socketMetric, remoteAddress, numberOfBytes);
    }

    @Override
    public void exceptionOccurred(Object socketMetric, SocketAddress remoteAddress, Throwable t) {
        stock.exceptionOccurred(socketMetric, remoteAddress, t);
    }

    @Override
    public void close() {
        stock.close();
    }

    /** One request in flight: its method's meters, when it began, its routes, and which of its ends have been seen. */
    static final class Request {
        final HttpServerMeters.ForMethod meters;
        /** Vert.x's request (an {@link HttpServerRequest} on HTTP/1.x), read only when it is reset; null if pushed. */
        final HttpRequest http;

        final long startNanos = System.nanoTime();
        private String route;
        private boolean requestEnded;
        private boolean responseEnded;
        /** Whether the request has stopped being active: both ends seen, or reset. */
        private boolean done;

        Request(HttpServerMeters.ForMethod meters, HttpRequest http) {
            this.meters = meters;
            this.http = http;
            meters.active.increment();
        }

        void routed(String name) {
            if (name != null) {
                route = route == null ? name : route + '>' + name;
            }
        }

        String route() {
            return route == null ? "" : route;
        }

        /** The request's end ({@code request}) or its answer's; it stops being active when both have come. */
        void ended(boolean request) {
            if (request) {
                requestEnded = true;
            } else {
                responseEnded = true;
            }
            if (requestEnded && responseEnded) {
                done();
            }
        }

        void reset() {
            done();
        }

        private void done() {
            if (!done) {
                done = true;
                meters.active.decrement();
            }
        }
    }
}
