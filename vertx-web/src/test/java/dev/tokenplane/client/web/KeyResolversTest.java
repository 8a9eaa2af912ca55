package dev.tokenplane.client.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

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

    @Test
    @SuppressWarnings("deprecation")
    void shouldNeverPutAnApiKeyIntoABucketKey() {
        io.vertx.ext.web.RoutingContext ctx = withApiKey("key-acme-secret-0001");
        byte[] secret = "sixteen-byte-secret!".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        String legacy = KeyResolvers.apiKey("free:").apply(ctx);
        String keyed = KeyResolvers.apiKeyHmac("free:", secret).apply(ctx);

        assertThat(legacy)
                .startsWith("free:")
                .doesNotContain("acme")
                .isEqualTo(KeyResolvers.apiKey("free:").apply(ctx))
                .isNotEqualTo(KeyResolvers.apiKey("free:").apply(withApiKey("key-globex-secret-02")));
        assertThat(keyed)
                .startsWith("free:")
                .doesNotContain("acme")
                .isNotEqualTo(legacy)
                .isNotEqualTo(KeyResolvers.apiKeyHmac(
                                "free:", "another-16-byte-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .apply(ctx));
        assertThat(KeyResolvers.perClient("free:").apply(ctx)).isEqualTo("free:{client}");
        assertThat(KeyResolvers.perClient("free:").apply(withApiKey(null))).isNull();
        assertThatThrownBy(() -> KeyResolvers.apiKeyHmac("free:", new byte[8]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** A request context whose only header is {@code X-Api-Key} (absent when null). */
    private static io.vertx.ext.web.RoutingContext withApiKey(String apiKey) {
        io.vertx.core.http.HttpServerRequest request =
                (io.vertx.core.http.HttpServerRequest) java.lang.reflect.Proxy.newProxyInstance(
                        KeyResolversTest.class.getClassLoader(),
                        new Class<?>[] {io.vertx.core.http.HttpServerRequest.class},
                        (proxy, method, args) -> method.getName().equals("getHeader") ? apiKey : null);
        return (io.vertx.ext.web.RoutingContext) java.lang.reflect.Proxy.newProxyInstance(
                KeyResolversTest.class.getClassLoader(),
                new Class<?>[] {io.vertx.ext.web.RoutingContext.class},
                (proxy, method, args) -> method.getName().equals("request") ? request : null);
    }
}
