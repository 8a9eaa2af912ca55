package dev.tokenplane.client.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyResolversTest {

    @Test
    void shouldPrefixTheValueAndAnswerNullWithoutOne() {
        assertThat(KeyResolvers.key("free:", "alice")).isEqualTo("free:alice");
        assertThat(KeyResolvers.key("free:", null)).isNull();
        assertThat(KeyResolvers.key("free:", "")).isNull();
    }

    @Test
    void shouldMakeCallerValuesSafeAsBucketKeys() {
        // a caller cannot dodge its limit with a key the BMS would refuse (whitespace, control characters)
        assertThat(KeyResolvers.key("free:", "al ice\t\u0000x")).isEqualTo("free:al_ice__x");
        assertThat(KeyResolvers.key("ip:", "::1")).isEqualTo("ip:::1");
    }

    @Test
    void shouldHashAValueTooLongForAKey() {
        String key = KeyResolvers.key("free:", "k".repeat(300));

        assertThat(key).startsWith("free:").hasSize(5 + 64);
        assertThat(KeyResolvers.key("free:", "k".repeat(300))).isEqualTo(key);
        assertThat(KeyResolvers.key("free:", "k".repeat(301))).isNotEqualTo(key);
    }

    @Test
    void shouldRejectAFixedKeyTheBmsWouldRefuse() {
        assertThatThrownBy(() -> KeyResolvers.fixed("")).isInstanceOf(IllegalArgumentException.class);
        assertThat(KeyResolvers.fixed("all requests").apply(null)).isEqualTo("all_requests");
    }
}
