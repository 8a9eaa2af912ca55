package dev.tokenplane.agent.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A cumulative Prometheus histogram ({@code <name>_bucket{le="..."}} series) read from the text exposition format,
 * summed over all other labels (method, uri, status, ...).
 *
 * <p>Percentiles follow PromQL's {@code histogram_quantile}: find the bucket the rank falls in and interpolate
 * linearly inside it; a rank in the {@code +Inf} bucket answers the highest finite bound. So the agent reports what a
 * Grafana panel over the same histogram would show.
 *
 * @param buckets buckets by increasing upper bound, the last one {@code +Inf}; counts cumulative and non-decreasing
 */
public record PrometheusHistogram(List<Bucket> buckets) {

    /**
     * One cumulative bucket.
     *
     * @param upperBound the {@code le} bound (inclusive), {@code +Inf} for the last
     * @param count      observations ≤ {@code upperBound}
     */
    public record Bucket(double upperBound, double count) {}

    public PrometheusHistogram {
        buckets = List.copyOf(buckets);
        if (buckets.isEmpty() || buckets.get(buckets.size() - 1).upperBound() != Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("a histogram needs a +Inf bucket");
        }
    }

    /**
     * Reads the buckets of one histogram from a Prometheus (or OpenMetrics) text exposition.
     *
     * @param exposition the scraped text
     * @param baseName   the histogram's name without {@code _bucket}, e.g. {@code http_server_requests_seconds}
     * @return the histogram summed over label sets, or empty when the text has no {@code +Inf} bucket for it
     */
    public static Optional<PrometheusHistogram> parse(String exposition, String baseName) {
        String series = baseName + "_bucket";
        TreeMap<Double, Double> byBound = new TreeMap<>();
        for (String line : exposition.split("\n")) {
            Optional<double[]> sample = parseBucketLine(line.strip(), series);
            sample.ifPresent(s -> byBound.merge(s[0], s[1], Double::sum));
        }
        if (!byBound.containsKey(Double.POSITIVE_INFINITY)) {
            return Optional.empty();
        }
        List<Bucket> buckets = new ArrayList<>(byBound.size());
        double runningMax = 0;
        for (var entry : byBound.entrySet()) {
            // Label sets scraped at slightly different moments can break monotonicity; PromQL forces it too.
            runningMax = Math.max(runningMax, entry.getValue());
            buckets.add(new Bucket(entry.getKey(), runningMax));
        }
        return Optional.of(new PrometheusHistogram(buckets));
    }

    /** The number of observations (the {@code +Inf} bucket). */
    public double observations() {
        return buckets.get(buckets.size() - 1).count();
    }

    /**
     * The observations made after {@code earlier}: bucket-wise differences. If any bucket went down, the service
     * restarted and its counters began again at zero, so this histogram itself is the increment.
     *
     * @param earlier the previous scrape of the same histogram
     * @return the increment
     */
    public PrometheusHistogram since(PrometheusHistogram earlier) {
        TreeMap<Double, Double> before = new TreeMap<>();
        earlier.buckets.forEach(b -> before.put(b.upperBound(), b.count()));
        List<Bucket> delta = new ArrayList<>(buckets.size());
        for (Bucket bucket : buckets) {
            double diff = bucket.count() - before.getOrDefault(bucket.upperBound(), 0.0);
            if (diff < 0) {
                return this;
            }
            delta.add(new Bucket(bucket.upperBound(), diff));
        }
        return new PrometheusHistogram(delta);
    }

    /**
     * The q-quantile, as PromQL's {@code histogram_quantile(q, ...)} computes it.
     *
     * @param q the quantile in [0, 1]
     * @return the estimate in the histogram's unit, or NaN when there are no observations
     */
    public double quantile(double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("q must be in [0, 1], got " + q);
        }
        double total = observations();
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = q * total;
        int index = 0;
        while (buckets.get(index).count() < rank) {
            index++;
        }
        int last = buckets.size() - 1;
        if (index == last) {
            return last == 0 ? Double.NaN : buckets.get(last - 1).upperBound();
        }
        Bucket bucket = buckets.get(index);
        if (index == 0 && bucket.upperBound() <= 0) {
            return bucket.upperBound();
        }
        double lowerBound = index == 0 ? 0.0 : buckets.get(index - 1).upperBound();
        double countBelow = index == 0 ? 0.0 : buckets.get(index - 1).count();
        double inBucket = bucket.count() - countBelow;
        return lowerBound + (bucket.upperBound() - lowerBound) * ((rank - countBelow) / inBucket);
    }

    /**
     * The summary of an interval's increment.
     *
     * @param elapsedNanos the time between the two scrapes the increment came from
     * @param toMillis     factor from the histogram's unit to ms (1000 for seconds)
     * @return requests, requests/s and p50/p99 in ms
     */
    public LatencySummary summary(long elapsedNanos, double toMillis) {
        double total = observations();
        if (total <= 0) {
            return LatencySummary.EMPTY;
        }
        return new LatencySummary(
                Math.round(total),
                CounterRates.perSecond(total, elapsedNanos),
                Fractions.nonNegative(quantile(0.5) * toMillis),
                Fractions.nonNegative(quantile(0.99) * toMillis));
    }

    /** Returns {le, value} for a line of {@code series}, or empty for any other line. */
    private static Optional<double[]> parseBucketLine(String line, String series) {
        if (line.isEmpty() || line.charAt(0) == '#' || !line.startsWith(series)) {
            return Optional.empty();
        }
        int pos = series.length();
        if (pos >= line.length() || line.charAt(pos) != '{') {
            return Optional.empty();
        }
        String le = null;
        pos++;
        while (pos < line.length() && line.charAt(pos) != '}') {
            int eq = line.indexOf('=', pos);
            if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                return Optional.empty();
            }
            String name = line.substring(pos, eq).strip();
            StringBuilder value = new StringBuilder();
            int i = eq + 2;
            for (; i < line.length() && line.charAt(i) != '"'; i++) {
                char c = line.charAt(i);
                if (c == '\\' && i + 1 < line.length()) {
                    c = line.charAt(++i);
                }
                value.append(c);
            }
            if (i >= line.length()) {
                return Optional.empty();
            }
            if (name.equals("le")) {
                le = value.toString();
            }
            pos = i + 1;
            if (pos < line.length() && line.charAt(pos) == ',') {
                pos++;
            }
        }
        if (le == null || pos >= line.length()) {
            return Optional.empty();
        }
        String[] rest = line.substring(pos + 1).strip().split("\\s+");
        try {
            return Optional.of(new double[] {parseFloat(le), parseFloat(rest[0])});
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static double parseFloat(String text) {
        return switch (text) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }
}
