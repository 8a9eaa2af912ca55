package dev.tokenplane.transfer;

import java.math.BigInteger;

/**
 * Weighted max-min fair division of a capacity among claimants (water-filling, as in Google's Doorman), in exact
 * integer arithmetic.
 *
 * <h2>Formula</h2>
 * Claimant {@code i} has demand {@code d_i >= 0} and weight {@code w_i >= 1}. With capacity {@code C}, the allocation is
 * <pre>
 *   x_i = min(d_i, λ · w_i)     with λ the smallest level such that  Σ x_i = min(C, Σ d_i)
 * </pre>
 * It is computed the way Doorman's fair-share algorithm does it: at the level {@code λ = R / W} (what remains over the
 * weights of the unsatisfied), everyone whose demand is at most {@code λ · w_i} is satisfied and leaves, returning what
 * they did not need to the rest; when nobody leaves any more, the rest split {@code R} in proportion to their weights.
 * The level only rises as claimants leave, so every claimant receives at least its <em>guaranteed share</em>
 * <pre>
 *   g_i = min(d_i, floor(C · w_i / Σ_{j: d_j > 0} w_j))
 * </pre>
 * and nothing is left over while someone still wants more. No claimant can take more than its share while others
 * want theirs.
 *
 * <h2>Exactness</h2>
 * Amounts are {@code long} (nanotokens); the products {@code d_i · W} and {@code R · w_i} are compared in 128 bits and
 * {@code R · w_i / W} is computed without overflow, so {@code Σ x_i} equals {@code min(C, Σ d_i)} exactly. The
 * nanotokens that flooring leaves over (fewer than the number of unsatisfied claimants) go one each to the first
 * unsatisfied claimants in input order, so callers list claimants in priority order. Deterministic; stateless.
 */
public final class FairShare {

    private FairShare() {}

    /**
     * The allocation for each claimant, in input order.
     *
     * @param capacity what there is to divide, nanotokens, at least 0
     * @param demands  what each claimant wants, nanotokens, each at least 0
     * @param weights  each claimant's weight, at least 1, with a sum that fits a {@code long}
     * @return {@code x_i} as in the class formula; {@code Σ x_i = min(capacity, Σ demands)}
     */
    public static long[] waterFill(long capacity, long[] demands, long[] weights) {
        int n = demands.length;
        if (weights.length != n) {
            throw new IllegalArgumentException("demands and weights must have the same length");
        }
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, was " + capacity);
        }
        long[] x = new long[n];
        boolean[] active = new boolean[n];
        long totalDemand = 0;
        boolean demandOverflows = false;
        long totalWeight = 0;
        for (int i = 0; i < n; i++) {
            if (demands[i] < 0 || weights[i] < 1) {
                throw new IllegalArgumentException(
                        "demand must be >= 0 and weight >= 1, was " + demands[i] + " and " + weights[i]);
            }
            if (demands[i] > 0) {
                active[i] = true;
                totalDemand += demands[i];
                demandOverflows |= totalDemand < 0;
                totalWeight = Math.addExact(totalWeight, weights[i]);
            }
        }
        if (!demandOverflows && totalDemand <= capacity) {
            return demands.clone();
        }
        long remaining = capacity;
        boolean someoneLeft = true;
        while (someoneLeft) {
            someoneLeft = false;
            for (int i = 0; i < n; i++) {
                // d_i <= R * w_i / W, cross-multiplied. Leaving raises the level for the rest, so one pass may
                // satisfy several claimants.
                if (active[i] && compareProducts(demands[i], totalWeight, remaining, weights[i]) <= 0) {
                    x[i] = demands[i];
                    remaining -= demands[i];
                    totalWeight -= weights[i];
                    active[i] = false;
                    someoneLeft = true;
                }
            }
        }
        long handedOut = 0;
        for (int i = 0; i < n; i++) {
            if (active[i]) {
                x[i] = mulDiv(remaining, weights[i], totalWeight);
                handedOut += x[i];
            }
        }
        // Each unsatisfied claimant wants more than its exact share, hence at least floor + 1: the +1 stays within it.
        long leftover = remaining - handedOut;
        for (int i = 0; i < n && leftover > 0; i++) {
            if (active[i]) {
                x[i]++;
                leftover--;
            }
        }
        return x;
    }

    /** {@code floor(a * b / c)} for {@code a, b >= 0}, {@code c > 0}, exact whenever the result fits a long. */
    public static long mulDiv(long a, long b, long c) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if (hi == 0 && lo >= 0) {
            return lo / c;
        }
        return BigInteger.valueOf(a)
                .multiply(BigInteger.valueOf(b))
                .divide(BigInteger.valueOf(c))
                .longValueExact();
    }

    /** The sign of {@code a * b - c * d} for non-negative arguments, without overflow. */
    static int compareProducts(long a, long b, long c, long d) {
        int high = Long.compare(Math.multiplyHigh(a, b), Math.multiplyHigh(c, d));
        return high != 0 ? high : Long.compareUnsigned(a * b, c * d);
    }

    static long saturatingAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }
}
