package dev.tokenplane.chaos;

import java.util.Comparator;
import java.util.List;

/**
 * Grants above what a token bucket allows: over any window of {@code w} seconds a bucket of capacity {@code C} and
 * refill {@code r} grants at most {@code C + r·w}, and the docs bound what a fault may add (a partition into
 * {@code S} sides: {@code S·(C + r·w)}; a member whose clock is {@code k} seconds ahead: {@code C + r·(w + k)}).
 *
 * <p>The client sees a call's time only as an interval (sent, answered), so a grant is counted in a window only when
 * its whole interval lies inside it; the figures are therefore what the calls <em>prove</em> was granted (a lower
 * bound), never an artefact of latency. Released tokens (a lease's unused part) count against the window they were
 * sent in, a release whose effect is unknown as credited in full. Pure: events in, figures out.
 */
final class OverAdmission {

    /**
     * @param excess      the most granted above {@code C + r·w} over any window, in tokens (0 if never above)
     * @param overBound   the most granted above the fault's bound over any window (positive: the bound was broken)
     * @param bySecond    per second since the origin, the largest excess of a window ending in that second
     */
    record Result(double excess, double overBound, double[] bySecond) {
        boolean withinBound() {
            return overBound <= 1e-9;
        }
    }

    /** The stated bound: {@code sides · (C + r · (w + skewSeconds))}. */
    record Bound(int sides, double skewSeconds) {
        static final Bound EXACT = new Bound(1, 0);

        double allowed(double capacity, double refill, double windowSeconds) {
            return sides * (capacity + refill * (windowSeconds + skewSeconds));
        }

        String describe() {
            String one = skewSeconds == 0 ? "C + r·w" : "C + r·(w + " + fmt(skewSeconds) + " s)";
            return sides == 1 ? one : sides + "·(" + one + ")";
        }

        private static String fmt(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }
    }

    private OverAdmission() {}

    /** Signed tokens an event proves taken (a grant) or possibly given back (a release). */
    static long amount(Event e) {
        if (e.tokens() < 0) {
            return e.tokens();
        }
        return e.granted() ? e.tokens() : 0;
    }

    /**
     * @param events   the calls on one bucket
     * @param origin   System.nanoTime of second 0 of {@code bySecond}
     * @param seconds  the length of {@code bySecond}
     */
    static Result measure(List<Event> events, double capacity, double refill, Bound bound, long origin, int seconds) {
        return measure(events, capacity, refill, bound, origin, seconds, Long.MAX_VALUE);
    }

    /** {@link #measure}, over windows of at most {@code longestWindowNanos} (a chart of recent excess). */
    static Result measure(
            List<Event> events,
            double capacity,
            double refill,
            Bound bound,
            long origin,
            int seconds,
            long longestWindowNanos) {
        List<Event> counted = events.stream()
                .filter(e -> amount(e) != 0)
                .sorted(Comparator.comparingLong(Event::sent))
                .toList();
        double[] bySecond = new double[Math.max(seconds, 0)];
        double excess = 0;
        double overBound = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < counted.size(); i++) {
            if (amount(counted.get(i)) <= 0) {
                continue; // a window that starts with a give-back is never the worst one
            }
            long start = counted.get(i).sent();
            long end = Long.MIN_VALUE;
            double sum = 0;
            for (int k = i; k < counted.size(); k++) {
                Event e = counted.get(k);
                if (e.sent() - start > longestWindowNanos) {
                    break;
                }
                sum += amount(e);
                end = Math.max(end, e.answered());
                double window = (end - start) / 1e9;
                double above = sum - (capacity + refill * window);
                excess = Math.max(excess, above);
                overBound = Math.max(overBound, sum - bound.allowed(capacity, refill, window));
                int second = (int) ((end - origin) / 1_000_000_000L);
                if (above > 0 && second >= 0 && second < bySecond.length) {
                    bySecond[second] = Math.max(bySecond[second], above);
                }
            }
        }
        return new Result(excess, overBound == Double.NEGATIVE_INFINITY ? 0 : overBound, bySecond);
    }
}
