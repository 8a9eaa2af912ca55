package dev.tokenplane.bms.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MetricsNaming;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * The meters of Vert.x's HTTP server metrics ({@code vertx_http_server_*}), looked up once per tag set and then kept:
 * the names, descriptions and tags are those of vertx-micrometer-metrics' own {@code VertxHttpServerMetrics}, which
 * looks every meter up in the registry again on every request (about a fifth of the CPU of a small request, measured
 * in BENCHMARKS.md). One instance per registry, shared by every HTTP server of the Vert.x instance, so that two servers
 * count into the same series as they do with Vert.x's own implementation.
 *
 * <p>Only the labels that do not grow with the traffic are supported ({@link #supports}): the method, the status code
 * and the route. With {@code LOCAL}, {@code REMOTE} or {@code HTTP_PATH}, or a custom tags provider, Vert.x's own
 * implementation stays in place. One difference from Vert.x's own: a method Vert.x has no constant for is tagged
 * {@value #OTHER_METHOD} (the name OpenTelemetry's HTTP conventions give it), since a request line may carry any token
 * as its method and each one would otherwise add series to the registry, for any client that reaches the port.
 */
final class HttpServerMeters {

    private final MeterRegistry registry;
    private final MetricsNaming names;
    private final boolean methodTag;
    private final boolean codeTag;
    private final boolean routeTag;
    /** The method tag of the requests whose method is not one of {@link HttpMethod#values()}. */
    static final String OTHER_METHOD = "_OTHER";

    private static final Set<String> KNOWN_METHODS =
            HttpMethod.values().stream().map(HttpMethod::name).collect(Collectors.toUnmodifiableSet());

    /** Method name (or {@link #OTHER_METHOD}) → its meters. */
    private final ConcurrentMap<String, ForMethod> byMethod = new ConcurrentHashMap<>();

    HttpServerMeters(MeterRegistry registry, MetricsNaming names, Set<Label> labels) {
        this.registry = registry;
        this.names =
                names.withBaseName("vertx." + MetricsDomain.HTTP_SERVER.toCategory() + "."); // as Vert.x names them
        this.methodTag = labels.contains(Label.HTTP_METHOD);
        this.codeTag = labels.contains(Label.HTTP_CODE);
        this.routeTag = labels.contains(Label.HTTP_ROUTE);
    }

    /** Whether these meters tag exactly as Vert.x would with {@code labels} and no custom tags provider. */
    static boolean supports(Set<Label> labels, boolean customTags) {
        return !customTags
                && !labels.contains(Label.LOCAL)
                && !labels.contains(Label.REMOTE)
                && !labels.contains(Label.HTTP_PATH);
    }

    boolean routeTagged() {
        return routeTag;
    }

    /** The meters of requests with {@code method}. */
    ForMethod of(HttpMethod method) {
        ForMethod meters = byMethod.get(method.name());
        if (meters != null) {
            return meters;
        }
        String name = KNOWN_METHODS.contains(method.name()) ? method.name() : OTHER_METHOD;
        return byMethod.computeIfAbsent(name, ForMethod::new);
    }

    /** The meters tagged with one method: active requests, request bytes and resets, and each answer's meters. */
    final class ForMethod {
        final LongAdder active = new LongAdder();
        final DistributionSummary requestBytes;
        /** Registered at the first reset, as Vert.x does: a series for resets appears only once there is one. */
        private volatile Counter resets;

        private final Tags tags;
        private final ConcurrentMap<Answer, ForAnswer> byAnswer = new ConcurrentHashMap<>();

        private ForMethod(String method) {
            this.tags = methodTag ? Tags.of(Label.HTTP_METHOD.toString(), method) : Tags.empty();
            Gauge.builder(names.getHttpActiveRequests(), active, LongAdder::doubleValue)
                    .description("Number of requests being processed")
                    .tags(tags)
                    .strongReference(true)
                    .register(registry);
            this.requestBytes = DistributionSummary.builder(names.getHttpRequestBytes())
                    .description("Size of requests in bytes")
                    .tags(tags)
                    .register(registry);
        }

        Counter resets() {
            Counter c = resets;
            if (c == null) {
                c = Counter.builder(names.getHttpRequestResetsCount())
                        .description("Number of request resets")
                        .tags(tags)
                        .register(registry); // the registry answers the same counter to every thread that races here
                resets = c;
            }
            return c;
        }

        /** The meters of an answer with {@code status} on {@code route} ("" when untagged or unrouted). */
        ForAnswer answer(String route, int status) {
            Answer key = new Answer(routeTag ? route : "", codeTag ? status : 0);
            ForAnswer meters = byAnswer.get(key);
            return meters != null ? meters : byAnswer.computeIfAbsent(key, this::metersOf);
        }

        private ForAnswer metersOf(Answer answer) {
            Tags t = tags;
            if (routeTag) {
                t = t.and(Label.HTTP_ROUTE.toString(), answer.route());
            }
            if (codeTag) {
                t = t.and(Label.HTTP_CODE.toString(), String.valueOf(answer.status()));
            }
            return new ForAnswer(
                    Counter.builder(names.getHttpRequestsCount())
                            .description("Number of processed requests")
                            .tags(t)
                            .register(registry),
                    Timer.builder(names.getHttpResponseTime())
                            .description("Request processing time")
                            .tags(t)
                            .register(registry),
                    DistributionSummary.builder(names.getHttpResponseBytes())
                            .description("Size of responses in bytes")
                            .tags(t)
                            .register(registry));
        }
    }

    private record Answer(String route, int status) {}

    /** The meters of one kind of answer. */
    record ForAnswer(Counter requests, Timer responseTime, DistributionSummary responseBytes) {}
}
