package dev.tokenplane.client.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenplane.client.Decision;
import dev.tokenplane.client.DecisionSource;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

    @Test
    void shouldDescribeATokenBucketAsAQuotaPerWindow() {
        // 100 tokens refilling at 10/s: 100 per 10 s; 42 left, full again in ceil(58 / 10) = 6 s
        Decision d = decision(true, 42, 100, 10, 0);

        RateLimitHeaders.Values h = RateLimitHeaders.of("default", d);

        assertThat(h.policy()).isEqualTo("\"default\";q=100;w=10");
        assertThat(h.rateLimit()).isEqualTo("\"default\";r=42;t=6");
        assertThat(h.retryAfter()).isNull();
    }

    @Test
    void shouldGiveADenialTheRetryTimeInWholeSecondsRoundedUp() {
        RateLimitHeaders.Values h = RateLimitHeaders.of("free", decision(false, 0, 10, 5, 1_001));

        assertThat(h.policy()).isEqualTo("\"free\";q=10;w=2");
        assertThat(h.rateLimit()).isEqualTo("\"free\";r=0;t=2");
        assertThat(h.retryAfter()).isEqualTo("2");
        assertThat(RateLimitHeaders.retryAfterSeconds(1)).isEqualTo(1);
        assertThat(RateLimitHeaders.retryAfterSeconds(0)).isEqualTo(1);
        assertThat(RateLimitHeaders.retryAfterSeconds(3_000)).isEqualTo(3);
    }

    @Test
    void shouldRoundASlowRefillsWindowUpAndKeepItAStructuredFieldInteger() {
        // login: 5 per minute (0.083333/s) -> w = ceil(60.0002) = 61; a nearly frozen bucket stays within 15 digits
        assertThat(RateLimitHeaders.of("login", decision(true, 4, 5, 0.083333, 0))
                        .policy())
                .isEqualTo("\"login\";q=5;w=61");
        assertThat(RateLimitHeaders.of("x", decision(true, 0, 1_000_000_000, 0.000001, 0))
                        .policy())
                .isEqualTo("\"x\";q=1000000000;w=999999999999999");
    }

    @Test
    void shouldLeaveOutTheFieldsWhenTheBucketIsUnknown() {
        Decision open = new Decision("k", true, 1, 0, 0, 0, 0, 0, null, DecisionSource.FAIL_OPEN);
        Decision closed = new Decision("k", false, 1, 0, 0, 0, 0, 700, null, DecisionSource.FAIL_CLOSED);

        assertThat(RateLimitHeaders.of("default", open)).isNull();
        assertThat(RateLimitHeaders.of("default", closed)).isEqualTo(new RateLimitHeaders.Values(null, null, "1"));
    }

    @Test
    void shouldQuotePolicyNamesAsStructuredFieldStrings() {
        assertThat(RateLimitHeaders.sfString("a \"b\" \\c")).isEqualTo("\"a \\\"b\\\" \\\\c\"");
        assertThatThrownBy(() -> RateLimitHeaders.sfString("caf\u00e9"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("printable ASCII");
    }

    private static Decision decision(boolean granted, long remaining, long capacity, double refill, long retryAfter) {
        return new Decision("k", granted, 1, remaining, capacity, refill, 0, retryAfter, "r", DecisionSource.BMS);
    }
}
