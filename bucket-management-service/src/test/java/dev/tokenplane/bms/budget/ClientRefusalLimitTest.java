package dev.tokenplane.bms.budget;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientRefusalLimitTest {
    private final ClientRefusalLimit limit = new ClientRefusalLimit(100, 1000);

    @Test
    void shouldTakeAClientUntilItsRefusalsPassTheBurst() {
        limit.refused("mallory", 1000, 0);
        assertThat(limit.retryAfterMs("mallory", 0)).isZero();
        limit.refused("mallory", 1, 0);
        assertThat(limit.retryAfterMs("mallory", 0)).isEqualTo(10); // one refusal in debt at 100/s
        assertThat(limit.retryAfterMs("mallory", 10)).isZero();
    }

    @Test
    void shouldRefuseForAsLongAsTheDebtTakesToRefillBoundedAtOneBurst() {
        limit.refused("mallory", 1000, 0);
        limit.refused("mallory", 5000, 0);
        // the debt stops at one burst: 1000 refusals at 100/s
        assertThat(limit.retryAfterMs("mallory", 0)).isEqualTo(10_000);
        assertThat(limit.retryAfterMs("mallory", 4_000)).isEqualTo(6_000);
        assertThat(limit.retryAfterMs("mallory", 10_000)).isZero();
    }

    @Test
    void shouldNeverChargeOneClientForAnother() {
        limit.refused("mallory", 3000, 0);
        assertThat(limit.retryAfterMs("alice", 0)).isZero();
        assertThat(limit.retryAfterMs("mallory", 0)).isPositive();
    }

    @Test
    void shouldRefillContinuously() {
        limit.refused("mallory", 1500, 0);
        assertThat(limit.retryAfterMs("mallory", 0)).isEqualTo(5_000);
        limit.refused("mallory", 100, 5_000); // back at 0 after 5 s, then 100 more
        assertThat(limit.retryAfterMs("mallory", 5_000)).isEqualTo(1_000);
    }

    /** The decision path names a client only once some client has been charged ({@code anyCharged}). */
    @Test
    void shouldSayWhetherAnyClientIsChargedSoThatCallersMaySkipNamingTheirs() {
        assertThat(limit.anyCharged()).isFalse();
        limit.refused("mallory", 0, 0); // nothing refused: nothing charged
        assertThat(limit.anyCharged()).isFalse();
        limit.refused("mallory", 1, 0);
        assertThat(limit.anyCharged()).isTrue();
        ClientRefusalLimit off = new ClientRefusalLimit(0, 0);
        off.refused("mallory", 5000, 0);
        assertThat(off.anyCharged()).isFalse();
    }

    @Test
    void shouldDoNothingWhenOff() {
        ClientRefusalLimit off = new ClientRefusalLimit(0, 1000);
        off.refused("mallory", 1_000_000, 0);
        assertThat(off.retryAfterMs("mallory", 0)).isZero();
        assertThat(off.enabled()).isFalse();
    }

    @Test
    void shouldStayBoundedInClientsKeepingTheOnesInDebt() {
        limit.refused("mallory", 3000, 0);
        for (int i = 0; i < ClientRefusalLimit.MAX_CLIENTS + 10; i++) {
            limit.refused("client-" + i, 1, 0);
        }
        assertThat(limit.tracked()).isLessThanOrEqualTo(ClientRefusalLimit.MAX_CLIENTS);
        // a minute later every one-off client has its allowance back and is dropped; the table is never unbounded
        limit.refused("late", 1, 60_000);
        assertThat(limit.tracked()).isLessThanOrEqualTo(ClientRefusalLimit.MAX_CLIENTS);
    }
}
