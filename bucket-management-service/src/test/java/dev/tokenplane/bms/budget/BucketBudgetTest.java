package dev.tokenplane.bms.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenplane.store.BucketMath;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The budget's counting, limits and warning, in simulated time. */
class BucketBudgetTest {

    private static final BucketSpec OPEN_RULE = BucketSpec.of(10, 1).withGeneration(1);
    private static final BucketSpec CAPPED_RULE = BucketSpec.of(10, 1).withGeneration(2);
    private static final BucketSpec UNKNOWN = BucketSpec.of(10, 1).withGeneration(3);
    private static final Map<Long, BucketBudget.RuleLimit> RULES = Map.of(
            1L, new BucketBudget.RuleLimit("open", 0),
            2L, new BucketBudget.RuleLimit("capped", 2));

    private final FakeClock clock = new FakeClock();
    private final List<String> warnings = new ArrayList<>();

    private BucketBudget budget(long limit) {
        return new BucketBudget(limit, RULES::get, clock, warnings::add);
    }

    private static BucketState bucket(BucketSpec spec) {
        return BucketMath.acquire(null, spec, 1, 0, 0).next();
    }

    @Test
    void shouldRefuseCreationsPastTheMemberLimit() {
        // Given a budget of 3
        BucketBudget budget = budget(3);
        // When 5 buckets ask to be created
        int created = 0;
        for (int i = 0; i < 5; i++) {
            created += budget.tryCreate(OPEN_RULE) ? 1 : 0;
        }
        // Then 3 are, and 2 refusals are counted
        assertThat(created).isEqualTo(3);
        assertThat(budget.used()).isEqualTo(3);
        assertThat(budget.refusals()).isEqualTo(2);
    }

    @Test
    void shouldGiveAPlaceBackWhenABucketIsRemoved() {
        // Given a full budget of 2
        BucketBudget budget = budget(2);
        budget.tryCreate(OPEN_RULE);
        budget.tryCreate(OPEN_RULE);
        assertThat(budget.tryCreate(OPEN_RULE)).isFalse();
        // When the store removes one bucket
        budget.removed(bucket(OPEN_RULE));
        // Then one more may be created, and no more
        assertThat(budget.tryCreate(OPEN_RULE)).isTrue();
        assertThat(budget.tryCreate(OPEN_RULE)).isFalse();
    }

    @Test
    void shouldHoldARulesMaxBucketsWithoutSpendingTheMemberBudget() {
        // Given a member budget of 10 and a rule capped at 2
        BucketBudget budget = budget(10);
        // When the capped rule asks 3 times and another rule 3 times
        List<Boolean> capped =
                List.of(budget.tryCreate(CAPPED_RULE), budget.tryCreate(CAPPED_RULE), budget.tryCreate(CAPPED_RULE));
        List<Boolean> open =
                List.of(budget.tryCreate(OPEN_RULE), budget.tryCreate(OPEN_RULE), budget.tryCreate(OPEN_RULE));
        // Then the capped rule gets 2, the other 3, and the refused creation took no place of the member's
        assertThat(capped).containsExactly(true, true, false);
        assertThat(open).containsExactly(true, true, true);
        assertThat(budget.usedBy("capped")).isEqualTo(2);
        assertThat(budget.usedBy("open")).isEqualTo(3);
        assertThat(budget.used()).isEqualTo(5);
        // And a removed bucket of the capped rule frees a place of that rule
        budget.removed(bucket(CAPPED_RULE));
        assertThat(budget.tryCreate(CAPPED_RULE)).isTrue();
    }

    @Test
    void shouldCountASpecOfNoKnownRuleAgainstTheMemberOnly() {
        BucketBudget budget = budget(2);
        assertThat(budget.tryCreate(UNKNOWN)).isTrue();
        assertThat(budget.tryCreate(UNKNOWN)).isTrue();
        assertThat(budget.tryCreate(UNKNOWN)).isFalse();
        budget.removed(bucket(UNKNOWN));
        assertThat(budget.used()).isEqualTo(1);
    }

    @Test
    void shouldTakeTheOwnedCountFromARecount() {
        // Given a budget of 100 that created 10 buckets
        BucketBudget budget = budget(100);
        for (int i = 0; i < 10; i++) {
            budget.tryCreate(OPEN_RULE);
        }
        // When a recount finds 99 owned (partitions migrated here)
        budget.recount(() -> 99);
        // Then one more fits, and the next is refused
        assertThat(budget.used()).isEqualTo(99);
        assertThat(budget.tryCreate(OPEN_RULE)).isTrue();
        assertThat(budget.tryCreate(OPEN_RULE)).isFalse();
        // And a recount over the limit (a member left) only refuses new buckets
        budget.recount(() -> 150);
        assertThat(budget.used()).isEqualTo(150);
        assertThat(budget.tryCreate(OPEN_RULE)).isFalse();
    }

    @Test
    void shouldNotForgetCreationsWhileARecountReadsTheOwnedCount() {
        // Given a budget of 10 with 9 buckets created since the last recount
        BucketBudget budget = budget(10);
        for (int i = 0; i < 9; i++) {
            budget.tryCreate(OPEN_RULE);
        }
        // When creations race with a recount: while it reads the owned count, one more fits and the next must not
        List<Boolean> during = new ArrayList<>();
        budget.recount(() -> {
            during.add(budget.tryCreate(OPEN_RULE));
            during.add(budget.tryCreate(OPEN_RULE));
            return 10; // the statistics saw all ten buckets
        });
        // Then the budget held, and the count errs high (the racing creation is counted twice) until the next recount
        assertThat(during).containsExactly(true, false);
        assertThat(budget.used()).isEqualTo(11);
        budget.recount(() -> 10);
        assertThat(budget.used()).isEqualTo(10);
    }

    @Test
    void shouldWarnAtMostOnceAMinute() {
        // Given a spent budget
        BucketBudget budget = budget(1);
        budget.tryCreate(OPEN_RULE);
        // When refusals go on for 59 s, then at 60 s, then for 59 s more
        budget.tryCreate(OPEN_RULE);
        clock.advance(Duration.ofSeconds(59));
        budget.tryCreate(OPEN_RULE);
        assertThat(warnings).hasSize(1);
        clock.advance(Duration.ofSeconds(1));
        budget.tryCreate(OPEN_RULE);
        clock.advance(Duration.ofSeconds(59));
        budget.tryCreate(OPEN_RULE);
        // Then there were two warnings, each naming the limit and what to do
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).contains("budget of 1 buckets", "BMS_MAX_BUCKETS", "bucket_budget_exhausted");
        assertThat(budget.refusals()).isEqualTo(4);
    }

    @Test
    void shouldNameTheRuleWhoseMaxBucketsIsSpent() {
        BucketBudget budget = budget(10);
        budget.tryCreate(CAPPED_RULE);
        budget.tryCreate(CAPPED_RULE);
        budget.tryCreate(CAPPED_RULE);
        assertThat(warnings).singleElement().asString().contains("rule 'capped'", "maxBuckets of 2");
    }

    @Test
    void shouldDeriveTheDefaultFromTheHeap() {
        assertThat(BudgetSizing.fromHeap(256L << 20)).isEqualTo(65_536);
        assertThat(BudgetSizing.fromHeap(4L << 30)).isEqualTo(1_048_576);
        assertThat(BudgetSizing.fromHeap(1L << 20)).isEqualTo(BudgetSizing.MIN_BUDGET);
        assertThatThrownBy(() -> budget(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
