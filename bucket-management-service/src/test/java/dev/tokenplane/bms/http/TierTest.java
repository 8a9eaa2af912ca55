package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.TestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tiers come from the API-keys file: on the example rules, a free caller cannot reach the enterprise rate by any key
 * name it picks, and an enterprise caller gets its tier's rule on the same keys.
 */
class TierTest {
    static final String ADMIN = "admin-token-for-tier-test";
    static final String FREE_KEY = "key-alice-free-01";
    static final String ENTERPRISE_KEY = "key-acme-enterprise";
    static final String PLAIN_KEY = "key-bob-no-tier-1";
    static BmsNode node;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        TestSettings settings = TestSettings.member();
        Path keys = settings.dataDir().resolve("api-keys.yaml");
        Files.writeString(
                keys,
                FREE_KEY + ": {client: alice, tier: free}\n"
                        + ENTERPRISE_KEY + ": {client: acme, tier: enterprise}\n"
                        + PLAIN_KEY + ": bob\n");
        // no BMS_RULES_FILE: the example rules
        node = BmsNode.start(settings.with("BMS_API_KEYS_FILE", keys.toString())
                .with("BMS_ADMIN_TOKEN", ADMIN)
                .build());
        api = new Api(node.url(), ADMIN);
    }

    @AfterAll
    static void stop() {
        node.stop();
    }

    private static Api.Response acquire(String key, String apiKey) {
        return api.send(
                "POST",
                "/v1/buckets/" + key.replace("{", "%7B").replace("}", "%7D") + "/acquire",
                "{}",
                false,
                "X-Api-Key",
                apiKey);
    }

    /** How many of {@code attempts} back-to-back acquires on {@code key} are granted. */
    private static int granted(String key, String apiKey, int attempts) {
        int granted = 0;
        for (int i = 0; i < attempts; i++) {
            Api.Response r = acquire(key, apiKey);
            if (r.status() == 200 && r.json().get("granted").asBoolean()) {
                granted++;
            }
        }
        return granted;
    }

    @Test
    void shouldNotLetAFreeCallerPickTheEnterpriseRateByKeyName() {
        // every key a free caller might try: the old tier prefix, its own keys, another client's keys
        for (String key : List.of(
                "enterprise:alice", "enterprise:acme", "api:{client}:orders", "api:alice:search", "api:acme:orders")) {
            long start = System.nanoTime();
            Api.Response first = acquire(key, FREE_KEY);
            if (first.status() == 200) {
                assertThat(first.json().get("ruleId").asText()).as(key).isNotEqualTo("enterprise");
                assertThat(first.json().get("capacity").asLong()).as(key).isLessThanOrEqualTo(10);
            } else {
                assertThat(first.status()).as(key).isEqualTo(404);
            }
            // a burst of 30 gets at most the free burst of 10 and its refill of 5 a second while it lasts (the
            // enterprise rule would grant all 30)
            int burst = granted(key, FREE_KEY, 29) + (first.status() == 200 ? 1 : 0);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat((double) burst).as("%s, %.1f s", key, seconds).isLessThanOrEqualTo(10 + 5 * seconds);
        }
    }

    @Test
    void shouldServeEachCallerTheRuleOfTheTierItsKeySays() {
        Api.Response acme = acquire("api:{client}:reports", ENTERPRISE_KEY);
        Api.Response alice = acquire("api:{client}:reports", FREE_KEY);
        Api.Response bob = acquire("api:{client}:reports", PLAIN_KEY);

        assertThat(acme.json().get("key").asText()).isEqualTo("api:acme:reports");
        assertThat(acme.json().get("ruleId").asText()).isEqualTo("enterprise");
        assertThat(acme.json().get("capacity").asLong()).isEqualTo(100);
        assertThat(alice.json().get("ruleId").asText()).isEqualTo("api");
        assertThat(alice.json().get("capacity").asLong()).isEqualTo(10);
        assertThat(bob.json().get("ruleId").asText()).isEqualTo("api");
        // the enterprise burst is 100 (a batch, so the refill cannot blur it)
        assertThat(granted("api:{client}:burst", ENTERPRISE_KEY, 1)).isEqualTo(1);
        Api.Response batch = api.send(
                "POST",
                "/v1/acquire",
                Map.of("requests", List.of(Map.of("key", "api:{client}:burst", "tokens", 99))),
                false,
                "X-Api-Key",
                ENTERPRISE_KEY);
        assertThat(batch.json().get("results").get(0).get("granted").asBoolean())
                .isTrue();
        assertThat(batch.json().get("results").get(0).get("ruleId").asText()).isEqualTo("enterprise");
    }

    @Test
    void shouldShowTheTierOfARuleInTheApi() {
        JsonNode enterprise = api.get("/v1/rules/enterprise").json();
        assertThat(enterprise.get("tier").asText()).isEqualTo("enterprise");
        assertThat(enterprise.get("match").asText()).isEqualTo("api:{client}:*");
        assertThat(api.get("/v1/rules/api").json().has("tier")).isFalse();
        // a tier is written like any other field, and checked
        Api.Response bad = api.put(
                "/v1/rules/bad-tier", Map.of("match", "t:*", "capacity", 1, "refillPerSecond", 1, "tier", "no spaces"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("message").asText()).contains("tier");
    }
}
