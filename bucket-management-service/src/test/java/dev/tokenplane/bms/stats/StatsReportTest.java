package dev.tokenplane.bms.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Merging members' statistics: counts aligned by second, keys summed, filters applied. */
class StatsReportTest {

    @Test
    void shouldAlignMembersBySecondAndSumTheirDenials() {
        DecisionStats a = new DecisionStats();
        DecisionStats b = new DecisionStats();
        long t = 1_000_000_000L;
        a.record(DecisionCounters.Outcome.GRANTED, "r1", "k1", t);
        a.record(DecisionCounters.Outcome.DENIED, "r1", "hot", t);
        b.record(DecisionCounters.Outcome.DENIED, "r1", "hot", t + 1_000);
        b.record(DecisionCounters.Outcome.SHADOW_DENIED, "r2", "cold", t + 1_000);
        // Member b's clock is one second ahead of a's when asked
        List<MemberStats> members = List.of(a.snapshot(t + 1_000), b.snapshot(t + 2_000));

        StatsReport r = StatsReport.merge(members, 2, t + 1_500, 10, null, 5, key -> key.equals("cold") ? "r2" : "r1");

        assertThat(r.membersAnswered()).isEqualTo(2);
        StatsReport.RuleStats r1 = r.rules().get(0);
        assertThat(r1.ruleId()).isEqualTo("r1");
        assertThat(r1.granted()).isEqualTo(1);
        assertThat(r1.denied()).isEqualTo(2);
        // The window ends at t+1s: the two denials sit in its last two seconds
        assertThat(r1.perSecond().denied()).hasSize(10);
        assertThat(r1.perSecond().denied()[8]).isEqualTo(1);
        assertThat(r1.perSecond().denied()[9]).isEqualTo(1);
        assertThat(r.rules().get(1).shadowDenied()).isEqualTo(1);
        assertThat(r.topDeniedKeys().get(0).key()).isEqualTo("hot");
        assertThat(r.topDeniedKeys().get(0).denials()).isEqualTo(2);

        StatsReport only2 =
                StatsReport.merge(members, 2, t + 1_500, 10, "r2", 5, key -> key.equals("cold") ? "r2" : "r1");
        assertThat(only2.rules()).extracting(StatsReport.RuleStats::ruleId).containsExactly("r2");
        assertThat(only2.topDeniedKeys()).extracting(StatsReport.DeniedKey::key).containsExactly("cold");
    }
}
