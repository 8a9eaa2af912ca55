package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.TestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With API keys configured, decisions need a known X-Api-Key, and {client} in a pattern is the key's client id. */
class ApiKeyTest {
    static final String ADMIN = "admin-token-for-api-key-test";
    static BmsNode node;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        TestSettings settings = TestSettings.member();
        Path keys = settings.dataDir().resolve("api-keys.yaml");
        Files.writeString(keys, "key-acme-0001: acme\n\"key-globex-01\": globex\n");
        node = BmsNode.start(settings.with("BMS_API_KEYS_FILE", keys.toString())
                .with("BMS_ADMIN_TOKEN", ADMIN)
                .build());
        api = new Api(node.url(), ADMIN);
        api.put("/v1/rules/per-client", Map.of("match", "orders:{client}:*", "capacity", 2, "refillPerSecond", 0.001));
        api.put("/v1/rules/orders", Map.of("match", "orders:*", "capacity", 100, "refillPerSecond", 1));
    }

    @AfterAll
    static void stop() {
        node.stop();
    }

    @Test
    void shouldRequireAKnownApiKeyForDecisions() {
        Api.Response none = api.send("POST", "/v1/buckets/orders:x/acquire", "{}", false);
        Api.Response unknown =
                api.send("POST", "/v1/buckets/orders:x/acquire", "{}", false, "X-Api-Key", "key-nobody-000");
        Api.Response known =
                api.send("POST", "/v1/buckets/orders:x/acquire", "{}", false, "X-Api-Key", "key-acme-0001");
        Api.Response batchWithout = api.send(
                "POST", "/v1/acquire", Map.of("requests", java.util.List.of(Map.of("key", "orders:x"))), false);

        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("error").asText()).isEqualTo("unauthorized");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(known.status()).isEqualTo(200);
        assertThat(batchWithout.status()).isEqualTo(401);
        // leases are decision endpoints too, and a lease is its client's alone: another API key cannot release it
        assertThat(api.send("POST", "/v1/buckets/orders:x/lease", "{}", false).status())
                .isEqualTo(401);
        String leaseId = api.send("POST", "/v1/buckets/orders:x/lease", "{}", false, "X-Api-Key", "key-acme-0001")
                .json()
                .get("leaseId")
                .asText();
        Map<String, Object> release = Map.of("leaseId", leaseId, "tokens", 1);
        assertThat(api.send("POST", "/v1/buckets/orders:x/release", release, false)
                        .status())
                .isEqualTo(401);
        assertThat(api.send("POST", "/v1/buckets/orders:x/release", release, false, "X-Api-Key", "key-globex-01")
                        .status())
                .isEqualTo(404);
        assertThat(api.send("POST", "/v1/buckets/orders:x/release", release, false, "X-Api-Key", "key-acme-0001")
                        .status())
                .isEqualTo(200);
        // the admin token does not stand in for an API key, and admin routes do not take API keys
        assertThat(api.send("POST", "/v1/buckets/orders:x/acquire", "{}", true).status())
                .isEqualTo(401);
        assertThat(api.send("GET", "/v1/rules", null, false, "X-Api-Key", "key-acme-0001")
                        .status())
                .isEqualTo(401);
    }

    @Test
    void shouldMatchClientRulesOnTheKeysClientId() {
        Api.Response acme =
                api.send("POST", "/v1/buckets/orders:acme:checkout/acquire", "{}", false, "X-Api-Key", "key-acme-0001");
        Api.Response globexOnAcmeKey =
                api.send("POST", "/v1/buckets/orders:acme:checkout/acquire", "{}", false, "X-Api-Key", "key-globex-01");
        Api.Response globex = api.send(
                "POST", "/v1/buckets/orders:globex:checkout/acquire", "{}", false, "X-Api-Key", "key-globex-01");

        assertThat(acme.json().get("ruleId").asText()).isEqualTo("per-client");
        assertThat(acme.json().get("capacity").asLong()).isEqualTo(2);
        assertThat(globexOnAcmeKey.json().get("ruleId").asText()).isEqualTo("orders");
        assertThat(globex.json().get("ruleId").asText()).isEqualTo("per-client");
        // the admin read of a {client} bucket still names its rule
        assertThat(api.get("/v1/buckets/orders:globex:checkout")
                        .json()
                        .get("ruleId")
                        .asText())
                .isEqualTo("per-client");
    }

    @Test
    void shouldGiveAClientRuleItsOwnBucketThatABroaderRuleNeverRefills() {
        String path = "/v1/buckets/orders:acme:cart/acquire";
        // acme's rule: 2 tokens, one more per 1,000 s
        for (int i = 0; i < 2; i++) {
            assertThat(api.send("POST", path, "{}", false, "X-Api-Key", "key-acme-0001")
                            .json()
                            .get("granted")
                            .asBoolean())
                    .isTrue();
        }
        // another tenant's calls on the same key are served by the broader rule, from a bucket of their own
        for (int i = 0; i < 5; i++) {
            Api.Response globex = api.send("POST", path, "{}", false, "X-Api-Key", "key-globex-01");
            assertThat(globex.json().get("ruleId").asText()).isEqualTo("orders");
            assertThat(globex.json().get("granted").asBoolean()).isTrue();
        }
        Api.Response acme = api.send("POST", path, "{}", false, "X-Api-Key", "key-acme-0001");

        assertThat(acme.json().get("ruleId").asText()).isEqualTo("per-client");
        assertThat(acme.json().get("granted").asBoolean()).isFalse();
        assertThat(acme.json().get("capacity").asLong()).isEqualTo(2);
        assertThat(acme.json().get("retryAfterMs").asLong()).isGreaterThan(900_000);
        // the admin read names both buckets of the key, and shows each one's own tokens
        Api.Response plain = api.get("/v1/buckets/orders:acme:cart");
        assertThat(plain.json().get("ruleId").asText()).isEqualTo("orders");
        assertThat(plain.json().get("tokens").asLong()).isEqualTo(95);
        assertThat(plain.json().get("buckets").toString())
                .contains("\"ruleId\":\"per-client\",\"clientId\":\"acme\"")
                .contains("\"ruleId\":\"orders\",\"clientId\":null");
        Api.Response acmeBucket = api.get("/v1/buckets/orders:acme:cart?ruleId=per-client&clientId=acme");
        assertThat(acmeBucket.json().get("tokens").asLong()).isZero();
        assertThat(acmeBucket.json().get("clientId").asText()).isEqualTo("acme");
        assertThat(api.get("/v1/buckets/orders:acme:cart?ruleId=per-client&clientId=globex")
                        .status())
                .isEqualTo(404);
        // a listing shows the caller's key, its rule and client, never the store's encoding
        String listing = api.get("/v1/buckets?prefix=orders:acme:cart")
                .json()
                .get("buckets")
                .toString();
        assertThat(listing)
                .doesNotContainIgnoringCase("\\u001f")
                .doesNotContain("\u001f")
                .contains("\"key\":\"orders:acme:cart\",\"ruleId\":\"per-client\"");
    }

    @Test
    void shouldPutTheCallersClientIdWhereTheKeyNamesIt() {
        // a middleware that forwards its callers' API keys names {client}: the BMS fills in the key's client id
        Api.Response acme = api.send(
                "POST", "/v1/buckets/orders:%7Bclient%7D:search/acquire", "{}", false, "X-Api-Key", "key-acme-0001");
        Api.Response batch = api.send(
                "POST",
                "/v1/acquire",
                Map.of("requests", java.util.List.of(Map.of("key", "orders:{client}:search"))),
                false,
                "X-Api-Key",
                "key-globex-01");

        assertThat(acme.status()).isEqualTo(200);
        assertThat(acme.json().get("key").asText()).isEqualTo("orders:acme:search");
        assertThat(acme.json().get("ruleId").asText()).isEqualTo("per-client");
        assertThat(batch.json().get("results").get(0).get("key").asText()).isEqualTo("orders:globex:search");
        assertThat(api.get("/v1/buckets?prefix=orders:").body())
                .doesNotContain("key-acme-0001")
                .doesNotContain("key-globex-01")
                .doesNotContain("{client}");
    }
}
