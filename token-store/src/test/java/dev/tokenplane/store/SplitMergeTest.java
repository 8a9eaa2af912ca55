package dev.tokenplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SplitMergeTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final BucketSpec SPEC = BucketSpec.of(100, 10);

    private static BucketState spent(long tokens, long at) {
        return BucketMath.debit(BucketMath.create(SPEC, T0), Tokens.toNano(tokens), 0, at)
                .next();
    }

    @Test
    void shouldKeepTheCopyWithFewerTokensComparedAtTheLaterTime() {
        BucketState a = spent(90, T0); // 10 left at T0, 30 by T0 + 2 s
        BucketState b = spent(60, T0 + 2_000); // 100 - 60 = 40 left at T0 + 2 s

        assertThat(SplitMerge.keepLower(a, b)).isSameAs(a);
        assertThat(SplitMerge.keepLower(b, a)).isSameAs(a);
    }

    @Test
    void shouldKeepTheOnlyCopyWhenOneSideHasNone() {
        BucketState a = spent(10, T0);

        assertThat(SplitMerge.keepLower(a, null)).isSameAs(a);
        assertThat(SplitMerge.keepLower(null, a)).isSameAs(a);
        assertThat(SplitMerge.keepLower(null, null)).isNull();
    }

    @Test
    void shouldFenceTheStepsOnlyTheDiscardedCopyApplied() {
        BucketState kept =
                BucketMath.debit(spent(50, T0), Tokens.toNano(5), 0, 7, T0).next();
        BucketState discarded =
                BucketMath.credit(spent(10, T0), Tokens.toNano(3), 42, T0).next();

        BucketState merged = SplitMerge.keepLower(kept, discarded);

        assertThat(merged.tokens()).isEqualTo(kept.tokens());
        assertThat(merged.transfers().find(7)).hasValue(Tokens.toNano(5));
        assertThat(merged.transfers().watermark()).isEqualTo(42);
        assertThat(BucketMath.credit(merged, Tokens.toNano(3), 42, T0).result()).isEqualTo(BucketMath.STEP_FORGOTTEN);
    }
}
