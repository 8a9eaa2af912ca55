package dev.tokenplane.bms.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.SharedBms;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The release endpoint of client leases, {@code POST /v1/buckets/{key}/release}: unused tokens go back to the bucket,
 * never above its capacity and never into a bucket that does not exist; bad input gets the decision endpoints' 4xx and
 * changes nothing.
 */
class ReleaseApiTest {
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        api = SharedBms.get().api;
        // refill of one token in about 11 days: what a test sees in the bucket is what it took and gave back
        api.put("/v1/rules/rel", Map.of("match", "rel:*", "capacity", 10, "refillPerSecond", 0.000001));
    }

    @Test
    void shouldCreditUnusedLeasedTokensBack() {
        // Given a lease of 8 tokens taken from a bucket of 10
        assertThat(api.post("/v1/buckets/rel:a/acquire", Map.of("tokens", 8)).json().get("remaining").asLong())
                .isEqualTo(2);

        // When 5 of them come back unused
        Api.Response r = api.post("/v1/buckets/rel:a/release", Map.of("tokens", 5));

        // Then the bucket holds 7 again
        assertThat(r.status()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("key").asText()).isEqualTo("rel:a");
        assertThat(body.get("tokens").asLong()).isEqualTo(5);
        assertThat(body.get("accepted").asDouble()).isEqualTo(5.0);
        assertThat(body.get("ruleId").asText()).isEqualTo("rel");
        assertThat(api.get("/v1/buckets/rel:a").json().get("tokens").asLong()).isEqualTo(7);
    }

    @Test
    void shouldNeverFillABucketAboveItsCapacity() {
        // Given a bucket with 9 of its 10 tokens
        api.post("/v1/buckets/rel:full/acquire", Map.of("tokens", 1));

        // When a client gives back more than was taken
        JsonNode body = api.post("/v1/buckets/rel:full/release", Map.of("tokens", 6)).json();

        // Then only the room left goes in (a token, less the few nanotokens refilled since)
        assertThat(body.get("accepted").asDouble()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(api.get("/v1/buckets/rel:full").json().get("tokens").asLong()).isEqualTo(10);
        assertThat(api.post("/v1/buckets/rel:full/acquire", Map.of("tokens", 10)).json().get("granted")
                .asBoolean()).isTrue();
        assertThat(api.post("/v1/buckets/rel:full/acquire", Map.of("tokens", 1)).json().get("granted")
                .asBoolean()).isFalse();
    }

    @Test
    void shouldCreateNothingForABucketThatDoesNotExist() {
        JsonNode body = api.post("/v1/buckets/rel:never/release", Map.of("tokens", 3)).json();

        assertThat(body.get("accepted").asDouble()).isZero();
        assertThat(api.get("/v1/buckets/rel:never").status()).isEqualTo(404);
    }

    @Test
    void shouldRejectBadReleasesLikeAcquiresAndChangeNothing() {
        api.post("/v1/buckets/rel:bad/acquire", Map.of("tokens", 4));
        long before = api.get("/v1/buckets/rel:bad").json().get("tokens").asLong();
        String path = "/v1/buckets/rel:bad/release";

        record Case(String body, int status, String error) {
        }
        List<Case> cases = List.of(
                new Case("{}", 400, "validation"),
                new Case("{\"tokens\":0}", 400, "validation"),
                new Case("{\"tokens\":-3}", 400, "validation"),
                new Case("{\"tokens\":1000000001}", 400, "validation"),
                new Case("{\"tokens\":\"2\"}", 400, "validation"),
                new Case("{\"tokens\":1.5}", 400, "validation"),
                new Case("{\"tokens\":2,\"leaseId\":1}", 400, "validation"),
                new Case("{\"tokens\":", 400, "bad_request"));
        for (Case c : cases) {
            Api.Response r = api.send("POST", path, c.body(), false);
            assertThat(r.status()).as(c.body()).isEqualTo(c.status());
            assertThat(r.json().get("error").asText()).as(c.body()).isEqualTo(c.error());
        }
        Api.Response noBody = api.send("POST", path, null, false);
        Api.Response noRule = api.post("/v1/buckets/zz-rel-nothing/release", Map.of("tokens", 1));
        Api.Response badKey = api.raw("POST", "/v1/buckets/rel:k%00/release", Map.of("Content-Type",
                "application/json"), "{\"tokens\":1}".getBytes());
        Api.Response textPlain = api.raw("POST", path, Map.of("Content-Type", "text/plain"),
                "{\"tokens\":1}".getBytes());

        assertThat(noBody.status()).isEqualTo(400);
        assertThat(noRule.status()).isEqualTo(404);
        assertThat(noRule.json().get("error").asText()).isEqualTo("no_rule");
        assertThat(badKey.status()).isEqualTo(400);
        assertThat(textPlain.status()).isEqualTo(415);
        assertThat(api.get("/v1/buckets/rel:bad").json().get("tokens").asLong()).isEqualTo(before);
    }
}
