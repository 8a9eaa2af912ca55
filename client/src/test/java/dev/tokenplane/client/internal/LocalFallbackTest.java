package dev.tokenplane.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.client.Decision;
import dev.tokenplane.client.DecisionSource;
import dev.tokenplane.client.FallbackPolicy;
import dev.tokenplane.client.LocalLimit;
import dev.tokenplane.client.RateLimiterClientConfig;
import dev.tokenplane.store.FakeClock;
import org.junit.jupiter.api.Test;

/** The {@code LOCAL} fallback's defaults: a learned share of each key, and no admission of keys it knows nothing of. */
class LocalFallbackTest {
    /** 10 s windows aligned on the epoch: this clock starts at the beginning of one. */
    private final FakeClock clock = new FakeClock(1_700_000_000_000L);

    private LocalFallback fallback(LocalLimit defaultLimit) {
        return new LocalFallback(
                FallbackPolicy.LOCAL, RateLimiterClientConfig.DEFAULT_FALLBACK_SHARE, defaultLimit, 100, clock);
    }

    private static Decision granted(String key, long tokens) {
        return new Decision(key, true, tokens, 0, 100, 10, 0, 0, "r", DecisionSource.BMS);
    }

    @Test
    void shouldDenyAKeyItNeverSawFromTheBmsByDefault() {
        try (LocalFallback f = fallback(RateLimiterClientConfig.ofDefaults().fallbackDefaultLimit())) {
            Decision d = f.decide("never-seen", 1, 0, 700);

            assertThat(d.granted()).isFalse();
            assertThat(d.source()).isEqualTo(DecisionSource.LOCAL);
            assertThat(d.retryAfterMs()).isEqualTo(700); // until the next probe of the BMS
        }
    }

    @Test
    void shouldGiveAKeyItNeverSawTheConfiguredDefaultLimit() {
        try (LocalFallback f = fallback(new LocalLimit(2, 1))) {
            assertThat(f.decide("never-seen", 1, 0, 700).granted()).isTrue();
            assertThat(f.decide("never-seen", 1, 0, 700).granted()).isTrue();
            assertThat(f.decide("never-seen", 1, 0, 700).granted()).isFalse();
        }
    }

    @Test
    void shouldTakeTheShareOfTheLimitThisHostWasGrantedInTheWindowsBeforeTheOutage() {
        try (LocalFallback f = fallback(null)) {
            // Given a bucket of 100 tokens at 10/s (200 tokens in a 10 s window), of which this host got 50 in each of
            // the two windows before the outage: a quarter
            for (int window = 0; window < 2; window++) {
                for (int i = 0; i < 50; i++) {
                    f.learn(granted("k", 1));
                }
                clock.advance(GrantWindows.WINDOW_MS);
            }

            // When the outage starts, Then its local bucket is a quarter of the limit: 25 tokens at 2.5/s
            Decision first = f.decide("k", 1, 0, 100);
            assertThat(first.granted()).isTrue();
            assertThat(first.capacity()).isEqualTo(25);
            assertThat(first.refillPerSecond()).isEqualTo(2.5);
        }
    }

    @Test
    void shouldDenyAKeyThisHostGotNoGrantsForInTheWindowsBeforeTheOutage() {
        try (LocalFallback f = fallback(null)) {
            // Given a key known from the BMS, granted to this host only long ago
            f.learn(granted("k", 1));
            clock.advance(5 * GrantWindows.WINDOW_MS);

            // Then its learned share is none: another host may be the one using the limit
            assertThat(f.decide("k", 1, 0, 100).granted()).isFalse();
        }
    }
}
