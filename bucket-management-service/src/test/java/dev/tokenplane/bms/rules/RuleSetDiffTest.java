package dev.tokenplane.bms.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RuleSetDiffTest {

    private static Rule rule(String id, long capacity) {
        return TestRuleInput.of(id + ":*").capacity(capacity, 1.0).build().toRule(id);
    }

    @Test
    void shouldSortRulesIntoAddedChangedRemovedAndUnchangedIgnoringVersions() {
        List<Rule> current = List.of(
                rule("a", 10).withVersion(3, 111),
                rule("b", 10).withVersion(1, 222),
                rule("c", 10).withVersion(7, 333));
        List<Rule> desired = List.of(rule("d", 5), rule("b", 20), rule("a", 10));

        RuleSetDiff diff = RuleSetDiff.of(current, desired);

        assertThat(diff.added()).extracting(Rule::id).containsExactly("d");
        assertThat(diff.changed()).extracting(c -> c.after().id()).containsExactly("b");
        assertThat(diff.changed().get(0).before().version()).isEqualTo(1);
        assertThat(diff.removed()).extracting(Rule::id).containsExactly("c");
        assertThat(diff.unchanged()).extracting(Rule::id).containsExactly("a");
    }

    @Test
    void shouldNameTheEntryAndFieldOfTheFirstInvalidRule() {
        RuleInput good = TestRuleInput.of("ok:*").id("ok").capacity(10L, 1.0).build();
        RuleInput bad = TestRuleInput.of("bad:*").id("bad").capacity(0L, 1.0).build();

        assertThatThrownBy(() -> new RuleSetInput(List.of(good, bad)).toRules())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("rules[1] (bad): capacity must be");
        assertThatThrownBy(() -> new RuleSetInput(List.of(good, good)).toRules())
                .hasMessageContaining("duplicate rule id ok");
    }
}
