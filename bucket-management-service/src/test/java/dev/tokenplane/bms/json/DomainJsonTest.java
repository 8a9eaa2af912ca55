package dev.tokenplane.bms.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.config.ConfigCodec;
import dev.tokenplane.bms.decide.Decision;
import dev.tokenplane.bms.http.Json;
import dev.tokenplane.bms.rules.BucketOverride;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.SizingTuning;
import dev.tokenplane.bms.rules.TestRule;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The domain records carry no JSON annotations; their shapes come from {@link DomainJson}, on the HTTP edge's mapper
 * and on the codec of the replicated configuration alike: the contract's field order, and optional fields left out
 * when null. The expected strings are what the records wrote when they carried the annotations themselves.
 */
class DomainJsonTest {

    private static String http(Object value) {
        return Json.write(value).toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteARuleInTheContractsOrderLeavingOutItsUnsetOptions() {
        Rule rule = TestRule.of("r1", "a:*")
                .capacity(10, 2.5)
                .bounds(1, 100)
                .adaptive(new Rule.Adaptive(
                        true, 0.8, 0.3, 1.5, 0.75, null, null, new SizingTuning.Damping(null, null, 0.1, null)))
                .transfer(new Rule.Transfer("p", true, false, 1.0, "eu", 0.2))
                .written(3, 42)
                .build();

        String expected = "{\"id\":\"r1\",\"match\":\"a:*\",\"capacity\":10,\"refillPerSecond\":2.5,\"minCapacity\":1,"
                + "\"maxCapacity\":100,\"algorithm\":\"TOKEN_BUCKET\",\"idleTtlSeconds\":600,\"shadow\":false,"
                + "\"adaptive\":{\"enabled\":true,\"thresholdHigh\":0.8,\"thresholdLow\":0.3,\"growthFactor\":1.5,"
                + "\"shrinkFactor\":0.75,\"damping\":{\"minChange\":0.1}},\"transfer\":{\"pool\":\"p\",\"canBorrow\":true,"
                + "\"canLend\":false,\"weight\":1.0,\"region\":\"eu\",\"reserveFraction\":0.2},\"version\":3,"
                + "\"updatedAt\":42}";
        assertThat(http(rule)).isEqualTo(expected);
        assertThat(ConfigCodec.write(rule)).isEqualTo(expected);
    }

    @Test
    void shouldWriteATieredRuleWithItsTierSecond() {
        Rule rule = TestRule.of("r2", "b:*")
                .capacity(5, 1)
                .idleTtlSeconds(60)
                .maxBuckets(1000)
                .shadow()
                .written(1, 2)
                .tier("gold")
                .build();

        assertThat(http(rule))
                .startsWith("{\"id\":\"r2\",\"match\":\"b:*\",\"tier\":\"gold\",\"capacity\":5,")
                .contains("\"idleTtlSeconds\":60,\"maxBuckets\":1000,\"shadow\":true,\"adaptive\":null,");
    }

    @Test
    void shouldWriteADecisionWithoutTheShadowFieldsOutsideAShadowRule() {
        Decision d = new Decision("k", true, 1, 9, 10, 0.5, 0, 0, 0, "r1", null, null);

        assertThat(http(d))
                .isEqualTo("{\"key\":\"k\",\"granted\":true,\"tokens\":1,\"remaining\":9,\"capacity\":10,"
                        + "\"refillPerSecond\":0.5,\"waitMs\":0,\"retryAfterMs\":0,\"borrowed\":0,\"ruleId\":\"r1\"}");
    }

    @Test
    void shouldWriteAnOverrideKeepingItsNullExpiryAndLeavingOutUnsetTransferFields() {
        BucketOverride o = new BucketOverride(
                "k", 7, 1.5, null, new BucketOverride.TransferOverride(null, false, null, null, null, null), 2, 99);

        String expected = "{\"key\":\"k\",\"capacity\":7,\"refillPerSecond\":1.5,\"expiresAt\":null,"
                + "\"transfer\":{\"canBorrow\":false},\"version\":2,\"updatedAt\":99}";
        assertThat(http(o)).isEqualTo(expected);
        assertThat(ConfigCodec.write(o)).isEqualTo(expected);
    }
}
