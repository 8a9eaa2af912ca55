package dev.tokenplane.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.store.Tokens;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Invariants of {@link TransferPlanner} over arbitrary pools. */
class TransferPlannerProperties {

    record Pool(List<Borrower> borrowers, List<Lender> lenders) {}

    private final TransferPlanner planner = new TransferPlanner();

    @Property(tries = 300)
    void shouldNeverTakeMoreThanALendersSpareNorGoBelowItsReserve(@ForAll("pools") Pool pool) {
        TransferPlan plan = planner.plan(pool.borrowers(), pool.lenders());

        for (Lender l : pool.lenders()) {
            long debited = plan.debitedFrom(l.key());
            assertThat(debited).as("debited from %s", l.key()).isLessThanOrEqualTo(l.spareNanos());
            if (debited > 0) {
                // Against the reserve computed from the fraction itself, not from the planner's floor
                BigInteger left =
                        BigInteger.valueOf(l.tokensNanos() - debited).multiply(BigInteger.valueOf(Lender.PPM));
                BigInteger reserve = BigInteger.valueOf(l.capacity())
                        .multiply(BigInteger.valueOf(Tokens.SCALE))
                        .multiply(BigInteger.valueOf(Math.round(l.reserveFraction() * Lender.PPM)));
                assertThat(left).as("left in %s", l.key()).isGreaterThanOrEqualTo(reserve);
            }
        }
        for (Move m : plan.moves()) {
            assertThat(m.lenderFloorNanos()).isEqualTo(lender(pool, m.lender()).reserveNanos());
        }
    }

    @Property(tries = 300)
    void shouldNeverCreditABucketThatMayNotBorrowNorDebitOneThatMayNotLend(@ForAll("pools") Pool pool) {
        TransferPlan plan = planner.plan(pool.borrowers(), pool.lenders());

        Set<String> mayBorrow = pool.borrowers().stream()
                .filter(Borrower::canBorrow)
                .map(Borrower::key)
                .collect(Collectors.toSet());
        Set<String> credited = new HashSet<>();
        for (Move m : plan.moves()) {
            assertThat(mayBorrow).contains(m.borrower());
            assertThat(lender(pool, m.lender()).canLend()).isTrue();
            credited.add(m.borrower());
        }
        for (Move m : plan.moves()) {
            assertThat(credited)
                    .as("a bucket is never both lender and borrower")
                    .doesNotContain(m.lender());
        }
    }

    @Property(tries = 300)
    void shouldConserveTokens(@ForAll("pools") Pool pool) {
        TransferPlan plan = planner.plan(pool.borrowers(), pool.lenders());

        long allocated = plan.allocations().stream()
                .mapToLong(Allocation::allocatedNanos)
                .sum();
        assertThat(plan.totalNanos()).isEqualTo(allocated);
        for (Allocation a : plan.allocations()) {
            assertThat(plan.creditedTo(a.borrower())).isEqualTo(a.allocatedNanos());
            assertThat(a.allocatedNanos()).isBetween(0L, a.demandNanos());
        }
        BigInteger demand = plan.allocations().stream()
                .map(a -> BigInteger.valueOf(a.demandNanos()))
                .reduce(BigInteger.ZERO, BigInteger::add);
        assertThat(BigInteger.valueOf(allocated)).isEqualTo(demand.min(BigInteger.valueOf(plan.spareNanos())));
        assertThat(plan.moves()).allSatisfy(m -> assertThat(m.nanotokens()).isPositive());
    }

    @Property(tries = 300)
    void shouldGuaranteeEachBorrowerItsWeightedShareAndBeMaxMinFair(@ForAll("pools") Pool pool) {
        TransferPlan plan = planner.plan(pool.borrowers(), pool.lenders());
        Map<String, Borrower> byKey =
                pool.borrowers().stream().collect(Collectors.toMap(Borrower::key, Function.identity()));
        BigInteger totalWeight = plan.allocations().stream()
                .map(a -> BigInteger.valueOf(byKey.get(a.borrower()).weight()))
                .reduce(BigInteger.ZERO, BigInteger::add);

        for (Allocation a : plan.allocations()) {
            long w = byKey.get(a.borrower()).weight();
            long fair = BigInteger.valueOf(plan.spareNanos())
                    .multiply(BigInteger.valueOf(w))
                    .divide(totalWeight)
                    .longValueExact();
            assertThat(a.guaranteedNanos()).isEqualTo(Math.min(a.demandNanos(), fair));
            assertThat(a.allocatedNanos()).isGreaterThanOrEqualTo(a.guaranteedNanos());
        }
        // Max-min: nobody left wanting is below anyone else's level x / w, up to one nanotoken of rounding on each
        // side:
        // (x_j - 1) / w_j <= level <= (x_i + 1) / w_i
        for (Allocation i : plan.allocations()) {
            if (i.allocatedNanos() == i.demandNanos()) {
                continue;
            }
            BigInteger wi = BigInteger.valueOf(byKey.get(i.borrower()).weight());
            for (Allocation j : plan.allocations()) {
                BigInteger wj = BigInteger.valueOf(byKey.get(j.borrower()).weight());
                assertThat(BigInteger.valueOf(j.allocatedNanos() - 1).multiply(wi))
                        .isLessThanOrEqualTo(
                                BigInteger.valueOf(i.allocatedNanos() + 1).multiply(wj));
            }
        }
    }

    @Property(tries = 200)
    void shouldBeDeterministicWhateverTheInputOrder(@ForAll("pools") Pool pool, @ForAll long seed) {
        java.util.Random random = new java.util.Random(seed);
        List<Borrower> borrowers = new ArrayList<>(pool.borrowers());
        List<Lender> lenders = new ArrayList<>(pool.lenders());
        Collections.shuffle(borrowers, random);
        Collections.shuffle(lenders, random);

        assertThat(planner.plan(borrowers, lenders)).isEqualTo(planner.plan(pool.borrowers(), pool.lenders()));
    }

    private static Lender lender(Pool pool, String key) {
        return pool.lenders().stream()
                .filter(l -> l.key().equals(key))
                .findFirst()
                .orElseThrow();
    }

    @Provide
    Arbitrary<Pool> pools() {
        Arbitrary<String> regions = Arbitraries.of("eu-west", "us-east", "");
        Arbitrary<Borrower> borrower = Combinators.combine(
                        Arbitraries.longs().between(0, 2 * Tokens.SCALE * Tokens.MAX_CAPACITY),
                        Arbitraries.longs().between(1, 10_000),
                        regions,
                        Arbitraries.of(true, true, true, false),
                        Arbitraries.doubles().between(0, 1))
                .as((demand, weight, region, canBorrow, pressure) ->
                        new Borrower("?", demand, weight, region, canBorrow, pressure));
        Arbitrary<Lender> lender = Arbitraries.longs()
                .between(1, Tokens.MAX_CAPACITY)
                .flatMap(capacity -> Combinators.combine(
                                Arbitraries.longs().between(-capacity * Tokens.SCALE, capacity * Tokens.SCALE),
                                Arbitraries.integers().between(0, (int) Lender.PPM),
                                regions,
                                Arbitraries.of(true, true, true, false))
                        .as((tokens, ppm, region, canLend) ->
                                new Lender("?", tokens, capacity, ppm / (double) Lender.PPM, region, canLend)));
        return Combinators.combine(
                        borrower.list().ofMaxSize(8), lender.list().ofMaxSize(8), Arbitraries.of(false, false, true))
                .as((bs, ls, overlap) -> {
                    List<Borrower> borrowers = new ArrayList<>();
                    for (int i = 0; i < bs.size(); i++) {
                        Borrower b = bs.get(i);
                        borrowers.add(new Borrower(
                                "b" + i, b.demandNanos(), b.weight(), b.region(), b.canBorrow(), b.pressure()));
                    }
                    List<Lender> lenders = new ArrayList<>();
                    for (int j = 0; j < ls.size(); j++) {
                        Lender l = ls.get(j);
                        // Now and then a lender that is also a borrower, which must not lend while it borrows
                        String key = overlap && j == 0 && !borrowers.isEmpty() ? "b0" : "l" + j;
                        lenders.add(new Lender(
                                key, l.tokensNanos(), l.capacity(), l.reserveFraction(), l.region(), l.canLend()));
                    }
                    return new Pool(borrowers, lenders);
                });
    }
}
