package dev.tokenplane.bms.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.store.Algorithm;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenerationsTest {

    @Test
    void shouldChangeWithRuleVersionOverrideVersionAndRuleId() {
        long base = Generations.of("free", 1, 0);

        assertThat(Generations.of("free", 1, 0)).isEqualTo(base);
        assertThat(Generations.of("free", 2, 0)).isNotEqualTo(base);
        assertThat(Generations.of("free", 1, 1)).isNotEqualTo(base);
        assertThat(Generations.of("fre", 1, 0)).isNotEqualTo(base);
    }

    @Test
    void shouldGiveTheOverrideSpecItsOwnGenerationAndTheOverrideCapacity() {
        Rule r = TestRule.of("free", "free:*")
                .capacity(10, 5)
                .algorithm(Algorithm.LEAKY_BUCKET)
                .idleTtlSeconds(60)
                .written(3, 0)
                .build();
        RuleIndex.Entry e = RuleIndex.of(List.of(r)).byId("free");
        BucketOverride o = new BucketOverride("free:a", 50, 2, null, null, 4, 0);

        assertThat(e.spec().capacity()).isEqualTo(10);
        assertThat(e.spec().idleTtlMillis()).isEqualTo(60_000);
        assertThat(e.spec().generation()).isEqualTo(Generations.of("free", 3, 0));
        assertThat(e.specWith(o).capacity()).isEqualTo(50);
        assertThat(e.specWith(o).refillPerSecond()).isEqualTo(2.0);
        assertThat(e.specWith(o).algorithm()).isEqualTo(Algorithm.LEAKY_BUCKET);
        assertThat(e.specWith(o).generation())
                .isEqualTo(Generations.of("free", 3, 4))
                .isNotEqualTo(e.generation());
    }
}
