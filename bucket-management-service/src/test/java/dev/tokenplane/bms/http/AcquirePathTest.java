package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.SharedBmsTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The path of the single acquire on a real member ({@link FastRoutes} in front of Vert.x Web's route): keys decoded as
 * Vert.x Web decodes path parameters, the optional trailing slash, and the answers to what is not an acquire (other
 * methods, an empty key, a longer path, a broken escape) as JSON errors.
 */
class AcquirePathTest extends SharedBmsTest {
    static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    @BeforeAll
    static void rule() {
        api.put("/v1/rules/acquire-path", Map.of("match", "ap:*", "capacity", 3, "refillPerSecond", 0.000001));
    }

    static Api.Response post(String rawPath) {
        return api.raw("POST", rawPath, JSON, "{}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldCountEveryEncodingOfAKeyAgainstTheDecodedKeysBucket() {
        // Given one key written four ways: %2F, %2f, with a trailing slash, with an unreserved letter escaped
        List<String> paths = List.of(
                "/v1/buckets/ap:a%2Fb/acquire",
                "/v1/buckets/ap:a%2fb/acquire", "/v1/buckets/ap:a%2Fb/acquire/", "/v1/buckets/ap:%61%2Fb/acquire");
        // When each asks for one token of the three
        List<Boolean> granted = paths.stream()
                .map(p -> {
                    Api.Response r = post(p);
                    assertThat(r.status()).as(p).isEqualTo(200);
                    return r.json().get("granted").asBoolean();
                })
                .toList();
        // Then they all took from the bucket of "ap:a/b": three grants, then a denial
        assertThat(granted).containsExactly(true, true, true, false);
        assertThat(api.get("/v1/buckets/ap:a%2Fb").json().get("key").asText()).isEqualTo("ap:a/b");
    }

    @Test
    void shouldDecodePercentEncodedUnicodeKeys() {
        Api.Response r = post("/v1/buckets/ap:%C3%A9t%C3%A9/acquire");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("granted").asBoolean()).isTrue();
        assertThat(api.get("/v1/buckets/ap:%C3%A9t%C3%A9").json().get("key").asText())
                .isEqualTo("ap:été");
    }

    @Test
    void shouldAnswerOtherMethodsOnTheAcquirePathWith405() {
        for (String method : List.of("GET", "PUT", "DELETE", "PATCH")) {
            Api.Response r = api.raw(method, "/v1/buckets/ap:m/acquire", JSON, "{}".getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).as(method).isEqualTo(405);
            assertThat(r.json().get("error").asText()).as(method).isEqualTo("method_not_allowed");
        }
    }

    @Test
    void shouldAnswerPathsThatAreNotAnAcquireAsBefore() {
        // an empty key: no acquire route matches, the bucket routes around it do for other methods
        Api.Response empty = post("/v1/buckets//acquire");
        assertThat(empty.status()).isEqualTo(405);
        assertThat(empty.json().get("error").asText()).isEqualTo("method_not_allowed");
        Api.Response longer = post("/v1/buckets/ap:x/acquire/extra");
        assertThat(longer.status()).isEqualTo(404);
        assertThat(longer.json().get("error").asText()).isEqualTo("not_found");
        Api.Response broken = post("/v1/buckets/ap:%zz/acquire");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.json().get("error").asText()).isEqualTo("bad_request");
        Api.Response twoSegments = post("/v1/buckets/ap:a/b/acquire");
        assertThat(twoSegments.status()).isEqualTo(404);
    }

    @Test
    void shouldCountTheAcquiresInTheHttpServerMetrics() {
        double before = postsAnswered200();
        for (int i = 0; i < 5; i++) {
            assertThat(post("/v1/buckets/ap:metrics-" + i + "/acquire").status())
                    .isEqualTo(200);
        }
        // other tests of the shared member may post meanwhile: at least these five
        assertThat(postsAnswered200() - before).isGreaterThanOrEqualTo(5);
    }

    static double postsAnswered200() {
        for (String line : api.getAnonymous("/metrics").body().split("\n")) {
            if (line.startsWith("vertx_http_server_requests_total{")
                    && line.contains("code=\"200\"")
                    && line.contains("method=\"POST\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
