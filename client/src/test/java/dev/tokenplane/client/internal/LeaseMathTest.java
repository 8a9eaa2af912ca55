package dev.tokenplane.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The lease rules on a fake timeline (times are plain epoch millis). */
class LeaseMathTest {
    private static final long T0 = 1_000_000;
    private static final LeaseMath.Policy POLICY = new LeaseMath.Policy(1_000, 0.5);
    private static final LeaseMath.Observation BUCKET_1000 = new LeaseMath.Observation(1_000, 100, 900, "r");

    @Test
    void shouldAskForTheRequestAloneBeforeKnowingTheBucket() {
        LeaseMath.Step step = LeaseMath.decide(LeaseState.EMPTY, 3, T0);
        LeaseMath.Renewal renewal =
                LeaseMath.startRenewal(LeaseState.EMPTY, 3, 3, T0, POLICY, new CompletableFuture<>());

        assertThat(step).isInstanceOf(LeaseMath.Renew.class);
        assertThat(renewal.block()).isEqualTo(3);
        assertThat(renewal.next().renewal()).isNotNull();
    }

    @Test
    void shouldTakeFromTheLeaseUntilItRunsOut() {
        // Given a lease of 5 tokens
        LeaseState s = leased(5);

        // When requests take 2, then 3
        LeaseMath.Step first = LeaseMath.decide(s, 2, T0 + 1);
        s = ((LeaseMath.Take) first).next();
        LeaseMath.Step second = LeaseMath.decide(s, 3, T0 + 2);
        s = ((LeaseMath.Take) second).next();

        // Then the lease is empty and the next request renews
        assertThat(s.tokens()).isZero();
        assertThat(LeaseMath.decide(s, 1, T0 + 3)).isInstanceOf(LeaseMath.Renew.class);
    }

    @Test
    void shouldWaitForTheRenewalInFlightRatherThanStartAnother() {
        CompletableFuture<Void> inFlight = new CompletableFuture<>();
        LeaseState renewing = LeaseMath.startRenewal(LeaseState.EMPTY, 1, 1, T0, POLICY, inFlight)
                .next();

        LeaseMath.Step step = LeaseMath.decide(renewing, 1, T0 + 1);

        assertThat(step).isInstanceOf(LeaseMath.Await.class);
        assertThat(((LeaseMath.Await) step).renewal()).isSameAs(inFlight);
    }

    @Test
    void shouldDenyHereWhileTheBmsDenialHolds() {
        // Given the BMS denied the key with retryAfter 250 ms
        LeaseState s = LeaseMath.denied(LeaseState.EMPTY, 250, BUCKET_1000, T0);

        // Then requests are denied here with the time left, until it has passed
        assertThat(LeaseMath.decide(s, 1, T0 + 100)).isEqualTo(new LeaseMath.Deny(150));
        assertThat(LeaseMath.decide(s, 1, T0 + 250)).isInstanceOf(LeaseMath.Renew.class);
    }

    @Test
    void shouldSizeTheBlockFromTheRateSeenTimesTheLeaseDuration() {
        // Given a bucket of 1000 (refill 100/s) holding 900, and a lease last renewed at T0
        LeaseState s = withLastRenewal(leased(0), T0);

        // When 40 tokens were asked for in the 200 ms since (200/s)
        LeaseMath.Renewal r = LeaseMath.startRenewal(s, 1, 40, T0 + 200, POLICY, new CompletableFuture<>());

        // Then the block is 200/s * 1 s = 200
        assertThat(r.next().ratePerSecond()).isEqualTo(200.0);
        assertThat(r.block()).isEqualTo(200);
    }

    @Test
    void shouldCapTheBlockAtTheShareOfCapacityAndWhatTheBucketHolds() {
        LeaseState s = withLastRenewal(leased(0), T0);

        // 10 000 tokens/s of demand wants 10 000; half the capacity is 500
        long byShare = LeaseMath.startRenewal(s, 1, 1_000, T0 + 100, POLICY, new CompletableFuture<>())
                .block();
        // a bucket seen with 50 left 1 s ago holds about 50 + 100 = 150
        LeaseState low = withLastRenewal(
                LeaseMath.granted(
                        LeaseState.EMPTY, 0, "lease-1", new LeaseMath.Observation(1_000, 100, 50, "r"), T0, POLICY),
                T0);
        long byBucket = LeaseMath.startRenewal(low, 1, 10_000, T0 + 1_000, POLICY, new CompletableFuture<>())
                .block();

        assertThat(byShare).isEqualTo(500);
        assertThat(byBucket).isEqualTo(150);
    }

    @Test
    void shouldNeverAskForLessThanTheRequest() {
        LeaseState empty = withLastRenewal(
                LeaseMath.granted(
                        LeaseState.EMPTY, 0, "lease-1", new LeaseMath.Observation(1_000, 100, 0, "r"), T0, POLICY),
                T0);

        assertThat(LeaseMath.startRenewal(empty, 7, 0, T0 + 10, POLICY, new CompletableFuture<>())
                        .block())
                .isEqualTo(7);
    }

    @Test
    void shouldAskForSingleRequestsOnceTheBmsRefusedABlock() {
        LeaseState s = withLastRenewal(leased(0), T0);
        LeaseState refused = LeaseMath.failed(LeaseMath.refuseBlocks(s));

        assertThat(LeaseMath.startRenewal(refused, 1, 1_000, T0 + 100, POLICY, new CompletableFuture<>())
                        .block())
                .isEqualTo(1);
    }

    @Test
    void shouldEndTheLeaseWithTokensToGiveBackOnlyAfterItsDurationAndWithNoRenewalInFlight() {
        LeaseState s = leased(30);
        LeaseState renewing = LeaseMath.startRenewal(s, 40, 40, T0 + 1_000, POLICY, new CompletableFuture<>())
                .next();

        assertThat(LeaseMath.expired(s, T0 + 999)).isFalse();
        assertThat(LeaseMath.expired(s, T0 + 1_000)).isTrue();
        assertThat(LeaseMath.expired(renewing, T0 + 1_000)).isFalse();
        assertThat(LeaseMath.expired(s.withTokens(0), T0 + 5_000)).isFalse();
    }

    @Test
    void shouldGiveUnusedTokensBackUnderTheLatestLeaseTheBmsRecorded() {
        // Given a lease of 5 under BMS lease L1, of which 4 are used
        LeaseState s = LeaseMath.granted(LeaseState.EMPTY, 5, "L1", BUCKET_1000, T0, POLICY);
        s = ((LeaseMath.Take) LeaseMath.decide(s, 4, T0 + 1)).next();

        // When a request for 3 renews it with a block of 10 (7 extra), under L2
        LeaseState renewed = LeaseMath.granted(s, 7, "L2", BUCKET_1000, T0 + 2, POLICY);
        // or with a single request (nothing extra, no lease), or a block the BMS recorded no lease for
        LeaseState single = LeaseMath.granted(s, 0, null, BUCKET_1000, T0 + 2, POLICY);
        LeaseState unrecorded = LeaseMath.granted(s, 7, null, BUCKET_1000, T0 + 2, POLICY);

        // Then the 1 left of L1 and the 7 extra go back under L2 (8 < the 10 it took); without a new lease, under L1
        assertThat(renewed.tokens()).isEqualTo(8);
        assertThat(renewed.leaseId()).isEqualTo("L2");
        assertThat(single.leaseId()).isEqualTo("L1");
        assertThat(unrecorded.leaseId()).isEqualTo("L1");
        // and once given back, no lease is named any more
        assertThat(renewed.ended().tokens()).isZero();
        assertThat(renewed.ended().leaseId()).isNull();
    }

    @Test
    void shouldForgetAKeyOnlyWhenIdleEmptyAndNotDenied() {
        LeaseState s = leased(0);
        LeaseState denied = LeaseMath.denied(s, 60_000, BUCKET_1000, T0);

        assertThat(LeaseMath.idle(s, T0 + 9_999, 10_000)).isFalse();
        assertThat(LeaseMath.idle(s, T0 + 10_000, 10_000)).isTrue();
        assertThat(LeaseMath.idle(s.withTokens(1), T0 + 10_000, 10_000)).isFalse();
        assertThat(LeaseMath.idle(denied, T0 + 10_000, 10_000)).isFalse();
    }

    /** A lease of {@code tokens} granted at T0 from a bucket of 1000. */
    private static LeaseState leased(long tokens) {
        return LeaseMath.granted(LeaseState.EMPTY, tokens, "lease-1", BUCKET_1000, T0, POLICY);
    }

    private static LeaseState withLastRenewal(LeaseState s, long at) {
        return new LeaseState(
                s.tokens(),
                s.leaseId(),
                s.expiresAt(),
                s.deniedUntil(),
                s.renewal(),
                s.capacity(),
                s.refillPerSecond(),
                s.bucketRemaining(),
                s.observedAt(),
                s.ruleId(),
                s.ratePerSecond(),
                at,
                s.maxBlock());
    }
}
