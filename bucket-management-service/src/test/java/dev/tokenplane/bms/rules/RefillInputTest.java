package dev.tokenplane.bms.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A refill written as tokens per period, alone and inside a rule. */
class RefillInputTest {

    @ParameterizedTest
    @CsvSource({
        "5, 1m, 0.0833333333",
        "5, PT1M, 0.0833333333",
        "90, 90s, 1",
        "3600, 1h, 1",
        "1, 1d, 0.0000115741",
        "3, 1h30m, 0.000555556",
        "48, P1D, 0.000555556",
        "1, pt0.5s, 2",
        "1000, 1s, 1000"
    })
    void shouldTurnTokensPerPeriodIntoTokensPerSecond(long tokens, String period, double perSecond) {
        assertThat(new RefillInput(tokens, period).perSecond()).isCloseTo(perSecond, within(perSecond * 1e-5));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"", "m", "1", "1x", "1 m", "1M", "-1m", "1m-", "PT", "P1Y", "-PT1M", "PT1M junk", "99999999999s"
            })
    void shouldNameAMalformedPeriod(String period) {
        assertThatThrownBy(() -> new RefillInput(5L, period).perSecond())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("refill.period must");
    }

    @Test
    void shouldNameAMissingOrOutOfRangeField() {
        assertThatThrownBy(() -> new RefillInput(null, "1m").perSecond()).hasMessageContaining("refill.tokens");
        assertThatThrownBy(() -> new RefillInput(0L, "1m").perSecond()).hasMessageContaining("refill.tokens");
        assertThatThrownBy(() -> new RefillInput(5L, null).perSecond()).hasMessageContaining("refill.period");
        assertThatThrownBy(() -> new RefillInput(5L, "0s").perSecond()).hasMessageContaining("> 0");
        assertThatThrownBy(() -> new RefillInput(5L, "366d").perSecond()).hasMessageContaining("365 days");
    }

    @Test
    void shouldAcceptOneOfTheTwoFormsOrBothWhenTheyAgree() {
        Rule perPeriod = rule(null, new RefillInput(5L, "1m")).toRule("r");
        assertThat(perPeriod.refillPerSecond()).isCloseTo(5.0 / 60, within(1e-12));
        assertThat(perPeriod.refill()).isEqualTo(new Rule.Refill(5, "1m"));
        assertThat(rule(2.0, null).toRule("r").refill()).isNull();

        // a rule read back from a GET carries both, and may be written again
        assertThat(rule(perPeriod.refillPerSecond(), new RefillInput(5L, "1m")).toRule("r"))
                .isEqualTo(perPeriod);

        assertThatThrownBy(() -> rule(0.083333, new RefillInput(5L, "1m")).toRule("r"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> rule(null, null).toRule("r")).hasMessageStartingWith("refillPerSecond is required");
        assertThatThrownBy(() -> rule(null, new RefillInput(1L, "365d")).toRule("r"))
                .hasMessageContaining("refill (tokens per period) must be > 0");
    }

    private static RuleInput rule(Double refillPerSecond, RefillInput refill) {
        return TestRuleInput.of("a:*")
                .capacity(10L, refillPerSecond)
                .refill(refill)
                .build();
    }
}
