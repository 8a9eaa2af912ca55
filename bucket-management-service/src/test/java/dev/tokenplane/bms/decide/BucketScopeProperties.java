package dev.tokenplane.bms.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.metrics.BmsMetrics;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.RuleIndex;
import dev.tokenplane.bms.rules.RulePattern;
import dev.tokenplane.bms.rules.TestRule;
import dev.tokenplane.bms.spi.Borrower;
import dev.tokenplane.bms.stats.DecisionStats;
import dev.tokenplane.store.FakeClock;
import dev.tokenplane.store.local.LocalBucketStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The real {@link DecisionService} on the local store with a fake clock, over random rule sets, clients and keys: every
 * bucket a rule scopes (the rule, the key and, for a {@code {client}} rule, the client) grants at most its capacity
 * plus its refill over the time since it was created. With one bucket per key, rules and clients that share a key
 * would spend each other's tokens, or refill one another's bucket at the other rule's rate.
 */
class BucketScopeProperties {
    private static final List<String> PATTERNS = List.of(
            "orders:*",
            "orders:{client}:*",
            "{client}:*",
            "*",
            "orders:acme:checkout",
            "orders:{client}:checkout",
            "*:checkout",
            "acme:*");
    private static final List<String> KEYS = List.of(
            "orders:acme:checkout",
            "orders:globex:checkout",
            "orders:acme:pay",
            "acme:checkout",
            "acme:login",
            "globex:login",
            "x@y:checkout");
    /** null: a caller without an API key. */
    private static final List<String> CLIENTS = java.util.Arrays.asList(null, "acme", "globex", "x@y");

    record Call(long advanceMs, String key, String client, long tokens) {}

    /** A bucket as the rules scope it. */
    record Scope(String ruleId, String clientId, String key) {}

    @Property(tries = 300)
    void grantsPerRuleAndScopeStayWithinCapacityAndRefill(
            @ForAll("ruleSets") List<Rule> rules, @ForAll("calls") List<Call> calls) {
        FakeClock clock = new FakeClock(1_000_000);
        RuleIndex index = RuleIndex.of(rules);
        DecisionService decisions = new DecisionService(
                new LocalBucketStore(clock),
                BucketResolver.of(() -> index, (k, t) -> null, clock),
                Borrower.NONE,
                new BmsMetrics(new SimpleMeterRegistry()),
                clock,
                new DecisionStats());
        Map<Scope, Long> createdAt = new HashMap<>();
        Map<Scope, Long> granted = new HashMap<>();
        for (Call call : calls) {
            clock.advance(call.advanceMs());
            Decision d;
            try {
                d = decisions
                        .acquire(new DecisionService.Request(call.key(), call.tokens(), 0), call.client())
                        .toCompletableFuture()
                        .join();
            } catch (CompletionException | NoRuleException e) {
                continue; // no rule for this key and caller, or more tokens than the capacity
            }
            RuleIndex.Entry rule = index.byId(d.ruleId());
            Scope scope = new Scope(d.ruleId(), rule.pattern().usesClient() ? call.client() : null, call.key());
            createdAt.putIfAbsent(scope, clock.millis());
            if (d.granted()) {
                long total = granted.merge(scope, d.tokens(), Long::sum);
                double elapsedSeconds = (clock.millis() - createdAt.get(scope)) / 1000.0;
                double bound = rule.rule().capacity() + rule.rule().refillPerSecond() * elapsedSeconds;
                assertThat((double) total)
                        .as("grants of %s after %.3f s", scope, elapsedSeconds)
                        .isLessThanOrEqualTo(bound + 1e-6);
            }
        }
    }

    @Provide
    Arbitrary<List<Rule>> ruleSets() {
        Arbitrary<Rule> rule = Combinators.combine(
                        Arbitraries.of(PATTERNS),
                        Arbitraries.longs().between(1, 5),
                        Arbitraries.of(0.001, 0.1, 1.0, 20.0))
                .as((match, capacity, refill) ->
                        TestRule.of(id(match), match).capacity(capacity, refill).build());
        return rule.list().ofMinSize(1).ofMaxSize(5).uniqueElements(Rule::id);
    }

    private static String id(String match) {
        return "r" + PATTERNS.indexOf(match);
    }

    @Provide
    Arbitrary<List<Call>> calls() {
        return Combinators.combine(
                        Arbitraries.of(0L, 0L, 1L, 10L, 500L, 3_000L),
                        Arbitraries.of(KEYS),
                        Arbitraries.of(CLIENTS),
                        Arbitraries.longs().between(1, 3))
                .as(Call::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(60);
    }

    static {
        // the patterns above compile: a typo would make every try vacuous
        new ArrayList<>(PATTERNS).forEach(RulePattern::compile);
    }
}
