package dev.tokenplane.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tokenplane.agent.core.PrometheusHistogram.Bucket;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusHistogramTest {

    private static final long SECOND = 1_000_000_000L;
    private static final String METRIC = "http_server_requests_seconds";

    /** Two label sets, as Micrometer exposes them, plus unrelated series and an exemplar. */
    private static String exposition(int fastGet, int slowGet, int post) {
        return """
                # HELP http_server_requests_seconds Duration of HTTP server request handling
                # TYPE http_server_requests_seconds histogram
                http_server_requests_seconds_bucket{method="GET",uri="/a",le="0.01"} %d
                http_server_requests_seconds_bucket{method="GET",uri="/a",le="0.1"} %d
                http_server_requests_seconds_bucket{method="GET",uri="/a",le="1.0"} %d
                http_server_requests_seconds_bucket{method="GET",uri="/a",le="+Inf"} %d
                http_server_requests_seconds_count{method="GET",uri="/a"} %d
                http_server_requests_seconds_bucket{method="POST",uri="/b,\\"q\\"",le="0.01"} 0
                http_server_requests_seconds_bucket{method="POST",uri="/b,\\"q\\"",le="0.1"} %d # {trace_id="abc"} 0.05 1.7e9
                http_server_requests_seconds_bucket{method="POST",uri="/b,\\"q\\"",le="1.0"} %d
                http_server_requests_seconds_bucket{method="POST",uri="/b,\\"q\\"",le="+Inf"} %d
                other_seconds_bucket{le="+Inf"} 999
                """.formatted(
                        fastGet, fastGet, fastGet + slowGet, fastGet + slowGet, fastGet + slowGet, post, post, post);
    }

    @Test
    void shouldSumBucketsOverLabelSets() {
        PrometheusHistogram histogram =
                PrometheusHistogram.parse(exposition(10, 5, 20), METRIC).orElseThrow();

        assertThat(histogram.buckets())
                .containsExactly(
                        new Bucket(0.01, 10),
                        new Bucket(0.1, 30),
                        new Bucket(1.0, 35),
                        new Bucket(Double.POSITIVE_INFINITY, 35));
        assertThat(histogram.observations()).isEqualTo(35);
    }

    @Test
    void shouldInterpolateInsideTheBucketLikeHistogramQuantile() {
        // 100 observations: 40 in (0, 0.1], 50 in (0.1, 0.2], 10 in (0.2, 0.4]
        PrometheusHistogram histogram = new PrometheusHistogram(List.of(
                new Bucket(0.1, 40),
                new Bucket(0.2, 90),
                new Bucket(0.4, 100),
                new Bucket(Double.POSITIVE_INFINITY, 100)));

        // rank 50 is the 10th of 50 in (0.1, 0.2]: 0.1 + 0.1 * 10/50
        assertThat(histogram.quantile(0.5)).isCloseTo(0.12, within(1e-12));
        // rank 99 is the 9th of 10 in (0.2, 0.4]: 0.2 + 0.2 * 9/10
        assertThat(histogram.quantile(0.99)).isCloseTo(0.38, within(1e-12));
        // rank 20 in the first bucket, interpolated from 0
        assertThat(histogram.quantile(0.2)).isCloseTo(0.05, within(1e-12));
    }

    @Test
    void shouldAnswerTheHighestFiniteBoundForARankInTheInfBucket() {
        PrometheusHistogram histogram =
                new PrometheusHistogram(List.of(new Bucket(0.5, 10), new Bucket(Double.POSITIVE_INFINITY, 100)));

        assertThat(histogram.quantile(0.99)).isEqualTo(0.5);
    }

    @Test
    void shouldTakeTheGrowthBetweenTwoScrapes() {
        PrometheusHistogram first =
                PrometheusHistogram.parse(exposition(10, 5, 20), METRIC).orElseThrow();
        PrometheusHistogram second =
                PrometheusHistogram.parse(exposition(110, 5, 20), METRIC).orElseThrow();

        PrometheusHistogram delta = second.since(first);

        assertThat(delta.observations()).isEqualTo(100);
        assertThat(delta.quantile(0.5)).isCloseTo(0.005, within(1e-12));
    }

    @Test
    void shouldTakeTheWholeHistogramAfterTheServiceRestarted() {
        PrometheusHistogram before =
                PrometheusHistogram.parse(exposition(1000, 500, 200), METRIC).orElseThrow();
        PrometheusHistogram afterRestart =
                PrometheusHistogram.parse(exposition(3, 1, 0), METRIC).orElseThrow();

        assertThat(afterRestart.since(before)).isEqualTo(afterRestart);
    }

    @Test
    void shouldSummariseAnIntervalInMillisecondsAndRequestsPerSecond() {
        PrometheusHistogram delta = new PrometheusHistogram(List.of(
                new Bucket(0.1, 40),
                new Bucket(0.2, 90),
                new Bucket(0.4, 100),
                new Bucket(Double.POSITIVE_INFINITY, 100)));

        LatencySummary summary = delta.summary(2 * SECOND, 1000.0);

        assertThat(summary.requests()).isEqualTo(100);
        assertThat(summary.requestsPerSecond()).isEqualTo(50.0);
        assertThat(summary.p50Ms()).isCloseTo(120.0, within(1e-9));
        assertThat(summary.p99Ms()).isCloseTo(380.0, within(1e-9));
    }

    @Test
    void shouldSummariseAnIdleIntervalAsEmpty() {
        PrometheusHistogram idle = new PrometheusHistogram(List.of(new Bucket(Double.POSITIVE_INFINITY, 0)));

        assertThat(idle.summary(SECOND, 1000.0)).isEqualTo(LatencySummary.EMPTY);
    }

    @Test
    void shouldFindNothingWhenTheMetricIsAbsent() {
        assertThat(PrometheusHistogram.parse(exposition(1, 1, 1), "grpc_server_seconds"))
                .isEmpty();
        assertThat(PrometheusHistogram.parse("", METRIC)).isEmpty();
        assertThat(PrometheusHistogram.parse("http_server_requests_seconds_bucket{le=\"0.1\"} 4", METRIC))
                .isEmpty();
    }
}
