package dev.tokenplane.bms.sizing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** What an operator sees of the sizing loop: {@code GET /v1/buckets/{key}} and {@code GET /metrics}. */
final class Observed {
    private final Api api;

    Observed(Api api) {
        this.api = api;
    }

    /** The bucket as {@code GET /v1/buckets/{key}} shows it. */
    JsonNode bucket(String key) {
        Api.Response r = api.get("/v1/buckets/" + URLEncoder.encode(key, StandardCharsets.UTF_8));
        assertThat(r.status()).as("GET bucket %s: %s", key, r).isEqualTo(200);
        return r.json();
    }

    long capacity(String key) {
        return bucket(key).get("capacity").asLong();
    }

    /** The capacities of the bucket's resize history, oldest first. */
    static List<Long> capacities(JsonNode bucket) {
        List<Long> out = new ArrayList<>();
        bucket.get("history").forEach(h -> out.add(h.get("capacity").asLong()));
        return out;
    }

    static List<String> reasons(JsonNode bucket) {
        List<String> out = new ArrayList<>();
        bucket.get("history").forEach(h -> out.add(h.get("reason").asText()));
        return out;
    }

    static List<Long> times(JsonNode bucket) {
        List<Long> out = new ArrayList<>();
        bucket.get("history").forEach(h -> out.add(h.get("at").asLong()));
        return out;
    }

    /** {@code bms_resizes_total{direction,rule}}. */
    double resizes(String rule, String direction) {
        return metric("bms_resizes_total{", "direction=\"" + direction + "\"", "rule=\"" + rule + "\"");
    }

    /** {@code bms_sizing_<gauge>{rule}}, this member's figures of an adaptive rule. */
    double sizing(String gauge, String rule) {
        return metric("bms_sizing_" + gauge + "{", "rule=\"" + rule + "\"");
    }

    /** How many sizing ticks this member has run ({@code bms_sizing_tick_seconds_count}). */
    long ticks() {
        return (long) metric("bms_sizing_tick_seconds_count");
    }

    /** Waits until this member has run {@code n} more sizing ticks. */
    void awaitTicks(int n) {
        long target = ticks() + n;
        Await.until(() -> ticks() >= target);
    }

    /** The value of the one sample whose line starts with {@code name} and contains every label. */
    private double metric(String name, String... labels) {
        Api.Response r = api.getAnonymous("/metrics");
        assertThat(r.status()).isEqualTo(200);
        for (String line : r.body().split("\n")) {
            if (line.startsWith(name) && List.of(labels).stream().allMatch(line::contains)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no sample " + name + " " + List.of(labels) + " in /metrics");
    }
}
