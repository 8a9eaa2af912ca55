package dev.tokenplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link BucketState} keeps a record's value semantics although its components live in two objects: equal exactly
 * when all eleven components are, equal hash codes then, and every {@code with...} step changes only what it names.
 */
class BucketStateProperties {

    /** The eleven components as a record, the semantics the class must match. */
    record Components(
            long tokens,
            long lastRefillAt,
            long capacity,
            long ratePerMilli,
            Algorithm algorithm,
            long generation,
            long idleTtlMillis,
            long attempted,
            long granted,
            long windowStart,
            TransferLog transfers) {

        static Components of(BucketState s) {
            return new Components(
                    s.tokens(),
                    s.lastRefillAt(),
                    s.capacity(),
                    s.ratePerMilli(),
                    s.algorithm(),
                    s.generation(),
                    s.idleTtlMillis(),
                    s.attempted(),
                    s.granted(),
                    s.windowStart(),
                    s.transfers());
        }

        BucketState state() {
            return new BucketState(
                    tokens,
                    lastRefillAt,
                    capacity,
                    ratePerMilli,
                    algorithm,
                    generation,
                    idleTtlMillis,
                    attempted,
                    granted,
                    windowStart,
                    transfers);
        }
    }

    @Provide
    Arbitrary<Components> components() {
        Arbitrary<TransferLog> log =
                Arbitraries.of(0, 1, 2).map(n -> n == 0 ? null : new TransferLog(new long[] {n}, new long[] {n * 10L}));
        // few values per component, so that pairs often differ in exactly one
        return Arbitraries.longs()
                .between(0, 2)
                .list()
                .ofSize(9)
                .map(List::copyOf)
                .flatMap(f -> Arbitraries.of(Algorithm.class)
                        .flatMap(a -> log.map(t -> new Components(
                                f.get(0), f.get(1), f.get(2), f.get(3), a, f.get(4), f.get(5), f.get(6), f.get(7),
                                f.get(8), t))));
    }

    @Property
    void equalExactlyWhenEveryComponentIs(@ForAll("components") Components a, @ForAll("components") Components b) {
        BucketState x = a.state();
        BucketState y = b.state();
        assertThat(Components.of(x)).isEqualTo(a);
        assertThat(x.equals(y)).isEqualTo(a.equals(b));
        if (a.equals(b)) {
            assertThat(x.hashCode()).isEqualTo(y.hashCode());
        }
    }

    @Property
    void eachStepChangesOnlyWhatItNames(@ForAll("components") Components c, @ForAll @IntRange(max = 5) int n) {
        BucketState s = c.state();
        assertThat(Components.of(s.withTokens(n, n + 1L)))
                .isEqualTo(new Components(
                        n,
                        n + 1L,
                        c.capacity(),
                        c.ratePerMilli(),
                        c.algorithm(),
                        c.generation(),
                        c.idleTtlMillis(),
                        c.attempted(),
                        c.granted(),
                        c.windowStart(),
                        c.transfers()));
        assertThat(Components.of(s.afterGrant(n, n + 1L, n + 2L)))
                .isEqualTo(new Components(
                        n,
                        c.lastRefillAt(),
                        c.capacity(),
                        c.ratePerMilli(),
                        c.algorithm(),
                        c.generation(),
                        c.idleTtlMillis(),
                        n + 1L,
                        n + 2L,
                        c.windowStart(),
                        c.transfers()));
        assertThat(Components.of(s.withCounters(n, n + 1L, n + 2L)))
                .isEqualTo(new Components(
                        c.tokens(),
                        c.lastRefillAt(),
                        c.capacity(),
                        c.ratePerMilli(),
                        c.algorithm(),
                        c.generation(),
                        c.idleTtlMillis(),
                        n,
                        n + 1L,
                        n + 2L,
                        c.transfers()));
        assertThat(Components.of(s.withCounters(n, n, c.windowStart())))
                .isEqualTo(new Components(
                        c.tokens(),
                        c.lastRefillAt(),
                        c.capacity(),
                        c.ratePerMilli(),
                        c.algorithm(),
                        c.generation(),
                        c.idleTtlMillis(),
                        n,
                        n,
                        c.windowStart(),
                        c.transfers()));
        assertThat(Components.of(s.withTransfer(99, n)))
                .isEqualTo(new Components(
                        c.tokens(),
                        c.lastRefillAt(),
                        c.capacity(),
                        c.ratePerMilli(),
                        c.algorithm(),
                        c.generation(),
                        c.idleTtlMillis(),
                        c.attempted(),
                        c.granted(),
                        c.windowStart(),
                        TransferLog.append(c.transfers(), 99, n)));
        assertThat(s.toString()).isEqualTo(c.toString().replace("Components[", "BucketState["));
    }
}
