package dev.tokenplane.bms.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tokenplane.bms.json.DomainJson;
import dev.tokenplane.bms.rules.BucketOverride;
import dev.tokenplane.bms.rules.Rule;
import java.io.UncheckedIOException;

/**
 * JSON for what members store and exchange (records in Hazelcast and on disk). Lenient about unknown fields, unlike the
 * HTTP edge: a member may read what a newer member wrote.
 */
public final class ConfigCodec {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(DomainJson.module())
            .build();

    private ConfigCodec() {}

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code json} as a tree. */
    static com.fasterxml.jackson.databind.JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ConfigRecord record(String json) {
        return json == null ? null : read(json, ConfigRecord.class);
    }

    /** The rule a live record holds, with the record's version and time. */
    public static Rule rule(ConfigRecord r) {
        return read(r.body(), Rule.class).withVersion(r.version(), r.updatedAt());
    }

    /** The override a live record holds, with the record's version and time. */
    public static BucketOverride override(ConfigRecord r) {
        return read(r.body(), BucketOverride.class).withVersion(r.version(), r.updatedAt());
    }
}
