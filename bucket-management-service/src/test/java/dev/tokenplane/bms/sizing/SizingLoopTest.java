package dev.tokenplane.bms.sizing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.BmsSettings;
import dev.tokenplane.bms.buckets.OwnedBuckets;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.RuleIndex;
import dev.tokenplane.bms.rules.StoreKey;
import dev.tokenplane.bms.rules.TestRule;
import dev.tokenplane.sizing.DampingConfig;
import dev.tokenplane.sizing.SizingConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The parts of the loop that need no member: which buckets a tick drains, and the policy's settings. */
class SizingLoopTest {
    private static final Rule.Adaptive ON = new Rule.Adaptive(true, 0.8, 0.3, 1.5, 0.8);
    private static final Rule.Adaptive OFF = new Rule.Adaptive(false, 0.8, 0.3, 1.5, 0.8);

    private static Rule rule(String id, String match, Rule.Adaptive adaptive) {
        return TestRule.of(id, match)
                .capacity(10, 10)
                .bounds(5, 40)
                .idleTtlSeconds(0)
                .adaptive(adaptive)
                .build();
    }

    private static final List<String> OWNED = List.of("server/web-1", "free:alice", "tenant-a:x", "acme:login");

    @Test
    void shouldDrainOnlyTheBucketsOfAdaptiveRules() {
        RuleIndex rules = RuleIndex.of(List.of(
                rule("servers", "server/*", ON), rule("free", "free:*", null), rule("tenants", "tenant-a:*", OFF)));

        assertThat(SizingLoop.candidates(rules, OwnedBuckets.walking(() -> OWNED)))
                .containsExactly("server/web-1");
    }

    @Test
    void shouldDrainNothingWithoutAnAdaptiveRule() {
        RuleIndex rules = RuleIndex.of(List.of(rule("free", "free:*", null), rule("tenants", "tenant-a:*", OFF)));

        assertThat(SizingLoop.candidates(rules, OwnedBuckets.walking(() -> OWNED)))
                .isEmpty();
    }

    @Test
    void shouldNotListTheOwnedBucketsWithoutAnAdaptiveRule() {
        // listing them walks every bucket of the member (65,536 after a key flood fills the budget), every tick
        RuleIndex rules = RuleIndex.of(List.of(rule("free", "free:*", null), rule("tenants", "tenant-a:*", OFF)));
        AtomicInteger listed = new AtomicInteger();

        assertThat(SizingLoop.candidates(rules, OwnedBuckets.walking(() -> {
                    listed.incrementAndGet();
                    return OWNED;
                })))
                .isEmpty();
        assertThat(listed).hasValue(0);
    }

    @Test
    void shouldFindTheRuleOfAClientBucketInItsStoreKey() {
        // {client}:login cannot be matched without the caller, but its buckets' store keys name the rule and client
        RuleIndex rules = RuleIndex.of(List.of(rule("logins", "{client}:login", ON), rule("free", "free:*", null)));
        String acme = StoreKey.scoped("acme:login", "logins", "acme").encode();
        String free = StoreKey.scoped("free:alice", "free", null).encode();

        assertThat(SizingLoop.candidates(rules, OwnedBuckets.walking(() -> List.of(acme, free, "acme:login"))))
                .containsExactly(acme);
    }

    @Test
    void shouldKeepTheSimulatorsDampingInTicksAndTheAgentsStaleness() {
        BmsSettings fast = BmsSettings.resolve(
                name -> null, Map.of("BMS_SIZING_INTERVAL_MS", "100", "BMS_AGENT_STALE_MS", "3000"));
        BmsSettings standard = BmsSettings.resolve(name -> null, Map.of());

        DampingConfig damping = SizingLoop.policyConfig(fast).damping();
        assertThat(damping.cooldownMillis()).isEqualTo(DampingConfig.DEFAULT_COOLDOWN_MILLIS / 10);
        assertThat(damping.growthHoldAfterShedMillis())
                .isEqualTo(DampingConfig.DEFAULT_GROWTH_HOLD_AFTER_SHED_MILLIS / 10);
        assertThat(damping.staleAfterMillis()).isEqualTo(3000);
        // at the default tick of 1 s: the simulator's defaults, but for staleness, which is the BMS's
        assertThat(SizingLoop.policyConfig(standard).damping())
                .isEqualTo(DampingConfig.defaults().withStaleAfterMillis(standard.agentStaleMs()));
        assertThat(SizingLoop.policyConfig(standard).forecaster())
                .isEqualTo(SizingConfig.defaults().forecaster());
    }
}
