package dev.tokenplane.store;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators shared by the bucket-maths properties. */
final class BucketArbitraries {

    private BucketArbitraries() {}

    /** Bucket specs of every algorithm: small and huge capacities, slow and very fast refills. */
    static Arbitrary<BucketSpec> specs() {
        Arbitrary<Long> capacity = Arbitraries.oneOf(
                Arbitraries.longs().between(1, 20), Arbitraries.longs().between(1, Tokens.MAX_CAPACITY));
        Arbitrary<Long> rate = Arbitraries.oneOf(
                Arbitraries.longs().between(1, 50_000_000), Arbitraries.longs().between(1, Tokens.ratePerMilli(1e9)));
        return Combinators.combine(capacity, rate, Arbitraries.of(Algorithm.class))
                .as((c, r, a) -> new BucketSpec(c, r, a, 0, 0));
    }
}
