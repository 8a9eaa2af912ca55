package dev.tokenplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The priority reserves of {@link BucketMath#acquire(BucketState, BucketSpec, long, long, long, long)}, on a fake clock. */
class PriorityAdmissionTest {

    private static final BucketSpec TEN_PER_SECOND = BucketSpec.of(10, 10);
    private final FakeClock clock = new FakeClock();

    private long ppm(Priority p) {
        return PriorityReserves.DEFAULTS.reservePpm(p);
    }

    @Test
    void eachClassStopsAtItsReserveAndCriticalTakesTheLastToken() {
        // Given a full bucket of 10 tokens with the default reserves (high 0.5, normal 1, low 2 tokens)
        BucketState s = BucketMath.create(TEN_PER_SECOND, clock.millis());

        // When low takes one token at a time, it stops with 2 left
        int lowGrants = 0;
        Transition<AcquireResult> t;
        while ((t = BucketMath.acquire(s, TEN_PER_SECOND, 1, 0, ppm(Priority.LOW), clock.millis()))
                .result()
                .granted()) {
            s = t.next();
            lowGrants++;
        }
        assertThat(lowGrants).isEqualTo(8);
        assertThat(t.result()).isEqualTo(new AcquireResult.Denied(1, 2, 10, 10_000_000, 100));

        // Then normal takes one more (9 - 1 >= 1), high none past 0.5 left, and critical the very last token
        s = BucketMath.acquire(s, TEN_PER_SECOND, 1, 0, ppm(Priority.NORMAL), clock.millis())
                .next();
        assertThat(s.wholeTokens()).isEqualTo(1);
        assertThat(BucketMath.acquire(s, TEN_PER_SECOND, 1, 0, ppm(Priority.NORMAL), clock.millis())
                        .result()
                        .granted())
                .isFalse();
        assertThat(BucketMath.acquire(s, TEN_PER_SECOND, 1, 0, ppm(Priority.HIGH), clock.millis())
                        .result())
                .isEqualTo(new AcquireResult.Denied(1, 1, 10, 10_000_000, 50));
        Transition<AcquireResult> critical =
                BucketMath.acquire(s, TEN_PER_SECOND, 1, 0, ppm(Priority.CRITICAL), clock.millis());
        assertThat(critical.result()).isEqualTo(new AcquireResult.Granted(1, 0, 10, 10_000_000, 0));
    }

    @Test
    void theRetryAfterOfADenialIsWhenTheClassIsGrantedAgain() {
        BucketState s = BucketMath.create(TEN_PER_SECOND, clock.millis());
        s = BucketMath.acquire(s, TEN_PER_SECOND, 10, 0, clock.millis()).next();

        AcquireResult denied = BucketMath.acquire(s, TEN_PER_SECOND, 1, 0, ppm(Priority.LOW), clock.millis())
                .result();

        // 1 token plus the 2-token reserve at 10 per second: 300 ms, not a millisecond less
        assertThat(denied.granted()).isFalse();
        assertThat(((AcquireResult.Denied) denied).retryAfterMs()).isEqualTo(300);
        clock.advance(299);
        assertThat(BucketMath.acquire(s, TEN_PER_SECOND, 1, 0, ppm(Priority.LOW), clock.millis())
                        .result()
                        .granted())
                .isFalse();
        clock.advance(1);
        assertThat(BucketMath.acquire(s, TEN_PER_SECOND, 1, 0, ppm(Priority.LOW), clock.millis())
                        .result()
                        .granted())
                .isTrue();
    }

    @Test
    void aReserveNeverMakesARequestThatFitsTheBucketImpossible() {
        BucketState full = BucketMath.create(TEN_PER_SECOND, clock.millis());

        // 10 tokens for a low request: more than capacity less its reserve, granted from a full bucket
        assertThat(BucketMath.acquire(full, TEN_PER_SECOND, 10, 0, ppm(Priority.LOW), clock.millis())
                        .result()
                        .granted())
                .isTrue();
        // and 11 is unsatisfiable whatever the class, as without priority
        assertThat(BucketMath.acquire(full, TEN_PER_SECOND, 11, 0, ppm(Priority.LOW), clock.millis())
                        .result())
                .isInstanceOf(AcquireResult.Unsatisfiable.class);
    }

    @Test
    void aCallerWhoMayWaitReservesOnlyDownToItsFloorLessItsWait() {
        BucketState s = BucketMath.create(TEN_PER_SECOND, clock.millis());
        s = BucketMath.acquire(s, TEN_PER_SECOND, 10, 0, clock.millis()).next();

        // Empty bucket; low may wait 300 ms = 3 tokens: 1 token needs 1 + 2 reserve, so granted with a 100 ms wait
        AcquireResult r = BucketMath.acquire(s, TEN_PER_SECOND, 1, 300, ppm(Priority.LOW), clock.millis())
                .result();
        assertThat(r).isEqualTo(new AcquireResult.Granted(1, 0, 10, 10_000_000, 100));
        // with 299 ms it is denied
        assertThat(BucketMath.acquire(s, TEN_PER_SECOND, 1, 299, ppm(Priority.LOW), clock.millis())
                        .result()
                        .granted())
                .isFalse();
    }

    @Test
    void reservesAreValidated() {
        assertThatThrownBy(() -> new PriorityReserves(0.2, 0.1, 0.3))
                .hasMessageContaining("monotone (low >= normal >= high)");
        assertThatThrownBy(() -> new PriorityReserves(0, 0.1, 1)).hasMessageContaining("low must be in [0, 1)");
        assertThatThrownBy(() -> new PriorityReserves(-0.1, 0.1, 0.2)).hasMessageContaining("high must be in [0, 1)");
        assertThatThrownBy(() -> Priority.parse("urgent"))
                .hasMessage("priority must be one of critical, high, normal, low, was 'urgent'");
        assertThat(Priority.parse(null)).isEqualTo(Priority.NORMAL);
        assertThat(Priority.parse("CRITICAL")).isEqualTo(Priority.CRITICAL);
        assertThat(PriorityReserves.DEFAULTS.reservePpm(Priority.CRITICAL)).isZero();
    }
}
