package dev.tokenplane.bms.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenplane.store.Algorithm;
import org.junit.jupiter.api.Test;

class RuleInputTest {

    private static RuleInput input(Long capacity, Double refill, Long min, Long max) {
        return TestRuleInput.of("a:*")
                .capacity(capacity, refill)
                .bounds(min, max)
                .build();
    }

    @Test
    void shouldFillDefaults() {
        Rule r = input(10L, 5.0, null, null).toRule("a");

        assertThat(r.minCapacity()).isEqualTo(10);
        assertThat(r.maxCapacity()).isEqualTo(10);
        assertThat(r.algorithm()).isEqualTo(Algorithm.TOKEN_BUCKET);
        assertThat(r.idleTtlSeconds()).isEqualTo(RuleInput.DEFAULT_IDLE_TTL_SECONDS);
        assertThat(r.shadow()).isFalse();
        assertThat(r.adaptive()).isNull();
    }

    @Test
    void shouldNameTheFieldAndTheRange() {
        assertThatThrownBy(() -> input(0L, 5.0, null, null).toRule("a"))
                .hasMessageContaining("capacity")
                .hasMessageContaining("[1, 1000000000]");
        assertThatThrownBy(() -> input(10L, 0.0, null, null).toRule("a")).hasMessageContaining("refillPerSecond");
        assertThatThrownBy(() -> input(10L, Double.NaN, null, null).toRule("a"))
                .hasMessageContaining("refillPerSecond");
        assertThatThrownBy(() -> input(10L, 5.0, 11L, null).toRule("a")).hasMessageContaining("minCapacity");
        assertThatThrownBy(() -> input(10L, 5.0, null, 9L).toRule("a")).hasMessageContaining("maxCapacity");
        assertThatThrownBy(() -> input(null, 5.0, null, null).toRule("a")).hasMessage("capacity is required");
        assertThatThrownBy(() -> input(10L, 5.0, null, null).toRule("bad id")).hasMessageContaining("ruleId");
        RuleInput badAdaptive = TestRuleInput.of("a:*")
                .capacity(10L, 1.0)
                .adaptive(new RuleInput.AdaptiveInput(true, 0.3, 0.8, null, null))
                .build();
        assertThatThrownBy(() -> badAdaptive.toRule("a")).hasMessageContaining("thresholdLow");
        RuleInput badGrowth = TestRuleInput.of("a:*")
                .capacity(10L, 1.0)
                .adaptive(new RuleInput.AdaptiveInput(true, null, null, 1.0, null))
                .build();
        assertThatThrownBy(() -> badGrowth.toRule("a")).hasMessageContaining("growthFactor");
    }
}
