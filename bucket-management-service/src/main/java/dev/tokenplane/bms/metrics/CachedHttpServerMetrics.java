package dev.tokenplane.bms.metrics;

import io.vertx.core.http.HttpMethod;
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
        return new Request(meters.of(request.method()));
    }

    @Override
    public void requestEnd(Request request, HttpRequest httpRequest, long bytesRead) {
        request.meters.requestBytes.record(bytesRead);
        request.ended(true);
    }

    @Override
    public void requestReset(Request request) {
        request.meters.resets().increment();
        request.reset();
    }

    @Override
    public Request responsePushed(Object socketMetric, HttpMethod method, String uri, HttpResponse response) {
        return new Request(meters.of(method));
    }

    @Override
    public void responseEnd(Request request, HttpResponse response, long bytesWritten) {
        HttpServerMeters.ForAnswer answer = request.meters.answer(request.route(), response.statusCode());
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
        final long startNanos = System.nanoTime();
        private String route;
        private boolean requestEnded;
        private boolean responseEnded;
        /** Whether the request has stopped being active: both ends seen, or reset. */
        private boolean done;

        Request(HttpServerMeters.ForMethod meters) {
            this.meters = meters;
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
