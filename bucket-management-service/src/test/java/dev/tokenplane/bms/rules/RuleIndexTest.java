package dev.tokenplane.bms.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class RuleIndexTest {

    static Rule rule(String id, String match) {
        return TestRule.of(id, match).build();
    }

    @Test
    void shouldPreferLiteralOverGlob() {
        RuleIndex index = RuleIndex.of(List.of(rule("glob", "tenant-a:*"), rule("literal", "tenant-a:login")));

        assertThat(index.match("tenant-a:login", null).rule().id()).isEqualTo("literal");
        assertThat(index.match("tenant-a:other", null).rule().id()).isEqualTo("glob");
    }

    @Test
    void shouldServeATiersRuleOnlyToThatTierAndPreferItOverTheSamePattern() {
        Rule everyone = rule("api", "api:{client}:*");
        Rule gold = rule("gold", "api:{client}:*");
        gold = TestRule.of(gold.id(), gold.match())
                .capacity(100, 100)
                .tier("gold")
                .build();
        Rule literalGold = TestRule.of("z-literal-gold", "fixed")
                .capacity(1, 1)
                .idleTtlSeconds(0)
                .tier("gold")
                .build();
        RuleIndex index = RuleIndex.of(List.of(everyone, gold, literalGold, rule("fixed-all", "fixed")));

        assertThat(index.match("api:acme:x", "acme", "gold").rule().id()).isEqualTo("gold");
        assertThat(index.match("api:acme:x", "acme", "silver").rule().id()).isEqualTo("api");
        assertThat(index.match("api:acme:x", "acme", null).rule().id()).isEqualTo("api");
        assertThat(index.match("api:acme:x", "acme").rule().id()).isEqualTo("api");
        assertThat(index.match("fixed", null, "gold").rule().id()).isEqualTo("z-literal-gold");
        assertThat(index.match("fixed", null, null).rule().id()).isEqualTo("fixed-all");
        assertThat(index.match("fixed", "acme", "silver").rule().id()).isEqualTo("fixed-all");
    }

    @Test
    void shouldPreferLongerLiteralPrefix() {
        RuleIndex index =
                RuleIndex.of(List.of(rule("short", "t*"), rule("long", "tenant-a:*"), rule("suffix", "*:login")));

        assertThat(index.match("tenant-a:login", null).rule().id()).isEqualTo("long");
        assertThat(index.match("tx:login", null).rule().id()).isEqualTo("short");
        assertThat(index.match("other:login", null).rule().id()).isEqualTo("suffix");
        assertThat(index.match("other", null)).isNull();
    }

    @Test
    void shouldBreakTiesBySmallestRuleIdWhateverTheOrder() {
        List<Rule> rules = new ArrayList<>(List.of(
                rule("b", "x:*"), rule("a", "x:*"), rule("c", "x:*:y"), rule("a2", "x:lit"), rule("a1", "x:lit")));
        for (int i = 0; i < 5; i++) {
            Collections.shuffle(rules);
            RuleIndex index = RuleIndex.of(rules);
            assertThat(index.match("x:1", null).rule().id()).isEqualTo("a");
            assertThat(index.match("x:1:y", null).rule().id()).isEqualTo("c"); // more literal characters
            assertThat(index.match("x:lit", null).rule().id()).isEqualTo("a1");
        }
    }

    @Test
    void shouldSubstituteTheClientIdAndMatchNothingWithoutOne() {
        RuleIndex index = RuleIndex.of(List.of(rule("per-client", "apikey:{client}:*"), rule("any", "apikey:*")));

        assertThat(index.match("apikey:acme:orders", "acme").rule().id()).isEqualTo("per-client");
        assertThat(index.match("apikey:acme:orders", "globex").rule().id()).isEqualTo("any");
        assertThat(index.match("apikey:acme:orders", null).rule().id()).isEqualTo("any");
    }

    @Test
    void shouldMatchMiddleSegmentsInOrder() {
        RulePattern p = RulePattern.compile("a*b*c");

        assertThat(p.match("abc", null)).isNotNull();
        assertThat(p.match("a-x-b-y-c", null)).isNotNull();
        assertThat(p.match("acb", null)).isNull();
        assertThat(p.match("ab", null)).isNull();
        assertThat(RulePattern.compile("ab*ba").match("aba", null)).isNull(); // prefix and suffix may not overlap
    }

    @Test
    void shouldRejectBadPatterns() {
        assertThatThrownBy(() -> RulePattern.compile("")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> RulePattern.compile("a{b}")).hasMessageContaining("{client}");
        assertThatThrownBy(() -> RulePattern.compile("a b")).hasMessageContaining("whitespace");
        assertThatThrownBy(() -> RulePattern.compile("x".repeat(257))).hasMessageContaining("256");
    }

    @Test
    void shouldRememberWhatServesAKeyForEachCallerAndTier() {
        Rule gold = TestRule.of("gold", "api:{client}:*").tier("gold").build();
        RuleIndex index = RuleIndex.of(List.of(rule("api", "api:{client}:*"), gold, rule("bench", "bench:*")));

        RuleIndex.Served hot = index.served("bench:one", null, null);
        assertThat(hot.entry().rule().id()).isEqualTo("bench");
        assertThat(hot.storeKey()).isEqualTo(index.match("bench:one", null).storeKey("bench:one", null));
        // a hot key asked for again: the same answer, its store key not built again
        assertThat(index.served("bench:one", null, null)).isSameAs(hot);

        // the same key for other callers and tiers: each its own rule and bucket, whatever was asked before
        for (int round = 0; round < 2; round++) {
            assertThat(index.served("api:acme:x", "acme", null).storeKey())
                    .isEqualTo(index.match("api:acme:x", "acme").storeKey("api:acme:x", "acme"));
            assertThat(index.served("api:other:x", "other", null).storeKey())
                    .isEqualTo(index.match("api:other:x", "other").storeKey("api:other:x", "other"))
                    .isNotEqualTo(index.served("api:acme:x", "acme", null).storeKey());
            assertThat(index.served("api:acme:x", "other", null)).isNull(); // another client's key
            assertThat(index.served("api:acme:x", "acme", null)).isNotNull();
            assertThat(index.served("api:acme:x", "acme", "gold").entry().rule().id())
                    .isEqualTo("gold");
            assertThat(index.served("api:acme:x", "acme", null).entry().rule().id())
                    .isEqualTo("api");
            assertThat(index.served("api:acme:x", null, null)).isNull(); // a {client} rule needs a client
        }
    }

    @Property(tries = 100)
    void whatIsRememberedIsWhatTheRulesAnswer(
            @ForAll List<@AlphaChars @StringLength(min = 1, max = 2) String> keys,
            @ForAll List<@IntRange(max = 2) Integer> callers) {
        Rule gold = TestRule.of("gold", "{client}:*").tier("gold").build();
        RuleIndex index = RuleIndex.of(List.of(rule("all", "*"), rule("a", "a*"), rule("client", "{client}*"), gold));
        String[] clients = {null, "a", "b"};
        String[] tiers = {null, "gold", null};
        for (int i = 0; i < keys.size() * 3; i++) { // every key several times, over few slots
            String key = keys.get(i % keys.size());
            int c = callers.isEmpty() ? 0 : callers.get(i % callers.size());
            RuleIndex.Entry expected = index.match(key, clients[c], tiers[c]);
            RuleIndex.Served served = index.served(key, clients[c], tiers[c]);
            assertThat(served.entry()).isSameAs(expected);
            assertThat(served.storeKey()).isEqualTo(expected.storeKey(key, clients[c]));
        }
    }

    @Property(tries = 200)
    void aLiteralRuleAlwaysWinsForItsOwnKey(
            @ForAll @AlphaChars @StringLength(min = 1, max = 20) String key,
            @ForAll @AlphaChars @StringLength(max = 5) String prefix) {
        RuleIndex index = RuleIndex.of(List.of(rule("glob", prefix + "*"), rule("all", "*"), rule("lit", key)));
        assertThat(index.match(key, null).rule().id()).isEqualTo("lit");
    }

    @Property(tries = 200)
    void theWinnerMatchesTheKeyAndNoMatchingRuleIsMoreSpecific(
            @ForAll @AlphaChars @StringLength(min = 0, max = 6) String key) {
        List<Rule> rules = List.of(
                rule("r1", "*"),
                rule("r2", "a*"),
                rule("r3", "ab*"),
                rule("r4", "*b"),
                rule("r5", "a*b"),
                rule("r6", "ab"));
        RuleIndex index = RuleIndex.of(rules);
        RuleIndex.Entry winner = index.match(key, null);
        assertThat(winner).isNotNull(); // "*" matches everything
        RulePattern.Specificity best = winner.pattern().match(key, null);
        assertThat(best).isNotNull();
        for (Rule r : rules) {
            RulePattern.Specificity s = RulePattern.compile(r.match()).match(key, null);
            if (s != null) {
                assertThat(s.compareTo(best)).isLessThanOrEqualTo(0);
            }
        }
    }
}
