package dev.tokenplane.transfer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Plans one window of token transfers in a pool: who gets how much of the pool's spare, and from whom.
 *
 * <h2>1. Eligibility</h2>
 * Borrowers take part when {@code canBorrow} and {@code demand > 0}; lenders when {@code canLend}, they have spare
 * ({@code spare_j = max(0, tokens_j - reserve_j)}, see {@link Lender}) and they are not borrowing in the same window.
 * The pool's spare is {@code S = Σ spare_j}.
 *
 * <h2>2. Service order</h2>
 * Borrowers are served by the priority of the requests that made them borrow, highest class first, then by pressure,
 * highest first (how near empty they are relative to their demand), then by key. The order decides who draws from the
 * best lenders (of their region) first and who gets the odd nanotokens of a division; it never changes the shares.
 *
 * <h2>3. Fair shares (Doorman's max-min fair share)</h2>
 * {@code x_i = min(d_i, λ · w_i)} with {@code Σ x_i = min(S, Σ d_i)}, computed by {@link FairShare#waterFill}. Every
 * borrower gets at least its guaranteed share {@code min(d_i, floor(S · w_i / W))} of this window's spare, and the
 * spare that the modest ones leave is split among those that want more, again by weight. A single bucket can take the
 * whole pool only when nobody else asks.
 *
 * <h2>4. Lenders for each borrower</h2>
 * Lenders are ranked by spare relative to capacity ({@code spare_j / capacity_j}, compared exactly), most first, then
 * by key. In a first pass each borrower, in service order, draws its allocation from lenders of its own region; in a
 * second pass what is still missing comes from any lender, in the same ranking. Because {@code Σ x_i <= S}, the second
 * pass always completes. Each move carries the lender's reserve as its floor.
 *
 * <h2>Guarantees</h2>
 * The plan is a pure function of its input (the order of the input does not matter); it never takes more than a
 * lender's spare, never moves tokens to a bucket that may not borrow, and moves exactly the sum of the allocations
 * (fixed point, so debits equal credits to the nanotoken). Stateless and thread-safe.
 */
public final class TransferPlanner {

    private static final Comparator<Borrower> SERVICE_ORDER = Comparator.comparing(Borrower::priority)
            .thenComparing(Comparator.comparingDouble(Borrower::pressure).reversed())
            .thenComparing(Borrower::key);

    /**
     * The plan for one window.
     *
     * @param borrowers buckets that want tokens; keys are unique
     * @param lenders   snapshots of buckets that may lend; keys are unique. A key that is also a borrower does not lend
     * @throws IllegalArgumentException on a duplicate key within either list
     */
    public TransferPlan plan(Collection<Borrower> borrowers, Collection<Lender> lenders) {
        requireUniqueKeys(borrowers.stream().map(Borrower::key).toList(), "borrowers");
        requireUniqueKeys(lenders.stream().map(Lender::key).toList(), "lenders");

        List<Borrower> served = borrowers.stream()
                .filter(b -> b.canBorrow() && b.demandNanos() > 0)
                .sorted(SERVICE_ORDER)
                .toList();
        Set<String> borrowing = new HashSet<>();
        served.forEach(b -> borrowing.add(b.key()));
        List<Lender> ranked = lenders.stream()
                .filter(l -> l.spareNanos() > 0 && !borrowing.contains(l.key()))
                .sorted(TransferPlanner::byRelativeSpare)
                .toList();

        long spare = 0;
        for (Lender l : ranked) {
            spare = FairShare.saturatingAdd(spare, l.spareNanos());
        }
        if (served.isEmpty() || spare == 0) {
            return TransferPlan.empty(spare);
        }

        long[] demands = served.stream().mapToLong(Borrower::demandNanos).toArray();
        long[] weights = served.stream().mapToLong(Borrower::weight).toArray();
        long[] shares = FairShare.waterFill(spare, demands, weights);
        long totalWeight = 0;
        for (long w : weights) {
            totalWeight += w;
        }

        List<Allocation> allocations = new ArrayList<>(served.size());
        for (int i = 0; i < served.size(); i++) {
            long guaranteed = Math.min(demands[i], FairShare.mulDiv(spare, weights[i], totalWeight));
            allocations.add(new Allocation(served.get(i).key(), demands[i], guaranteed, shares[i]));
        }
        return new TransferPlan(spare, allocations, match(served, shares, ranked));
    }

    /**
     * Two passes over the ranked lenders: own region first, then any region. A borrower still short after the first
     * pass has drained every lender of its region, so no lender-borrower pair appears in both passes.
     */
    private static List<Move> match(List<Borrower> served, long[] shares, List<Lender> ranked) {
        long[] left = ranked.stream().mapToLong(Lender::spareNanos).toArray();
        long[] need = shares.clone();
        List<List<Move>> perBorrower = new ArrayList<>(served.size());
        served.forEach(b -> perBorrower.add(new ArrayList<>()));
        for (boolean sameRegionOnly : new boolean[] {true, false}) {
            for (int i = 0; i < served.size(); i++) {
                Borrower b = served.get(i);
                for (int j = 0; j < ranked.size() && need[i] > 0; j++) {
                    Lender l = ranked.get(j);
                    long take = Math.min(need[i], left[j]);
                    if (take == 0 || (sameRegionOnly && !l.region().equals(b.region()))) {
                        continue;
                    }
                    perBorrower.get(i).add(new Move(l.key(), b.key(), take, l.reserveNanos()));
                    need[i] -= take;
                    left[j] -= take;
                }
            }
        }
        return perBorrower.stream().flatMap(List::stream).toList();
    }

    /** More spare relative to capacity first ({@code a.spare * b.capacity} against {@code b.spare * a.capacity}). */
    private static int byRelativeSpare(Lender a, Lender b) {
        int bySpare = FairShare.compareProducts(b.spareNanos(), a.capacity(), a.spareNanos(), b.capacity());
        return bySpare != 0 ? bySpare : a.key().compareTo(b.key());
    }

    private static void requireUniqueKeys(List<String> keys, String field) {
        Set<String> seen = new HashSet<>();
        for (String k : keys) {
            if (!seen.add(k)) {
                throw new IllegalArgumentException(field + " must have unique keys; duplicate: " + k);
            }
        }
    }
}
