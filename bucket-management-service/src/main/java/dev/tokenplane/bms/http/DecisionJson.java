package dev.tokenplane.bms.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tokenplane.bms.decide.Decision;
import dev.tokenplane.bms.http.DecisionRoutes.AcquireBody;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON of a single decision, on Jackson's streaming parser and generator: the body of a single acquire in, the
 * {@link Decision} out, without databind's per-call set-up (a serializer provider, a deserialization context, and a
 * reflective call per record component), which on a decision that makes no remote call is a large part of its cost.
 *
 * <p>The shapes stay {@link Json}'s: a body of any other form than plain fields of the right JSON types (an unknown or
 * repeated field, a string or a fraction for a number, a number too large, trailing content, malformed JSON) is read
 * by {@link Json#read} instead, which accepts or refuses it exactly as before; a decision is written field by field in
 * {@link dev.tokenplane.bms.json.DomainJson}'s order, nulls left out, the same bytes as {@link Json#write}
 * (DecisionJsonTest holds both to that).
 */
final class DecisionJson {
    private DecisionJson() {}

    /** The body of a single acquire, or null when the request has none; a refused body throws as {@link Json#read}. */
    static AcquireBody readAcquire(Buffer body) throws IOException {
        if (body == null || body.length() == 0) {
            return null;
        }
        byte[] bytes = body.getBytes();
        AcquireBody plain = plainAcquire(bytes);
        if (plain != null) {
            return plain;
        }
        AcquireBody value = Json.STRICT.readValue(bytes, AcquireBody.class);
        if (value == null) {
            throw ApiException.badRequest("the body must be a JSON object, not null");
        }
        return value;
    }

    /** The body if it is an object of known fields, each once, of its own JSON type or null; else null. */
    private static AcquireBody plainAcquire(byte[] bytes) {
        try (JsonParser p = Json.STRICT.getFactory().createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Long tokens = null;
            Long maxWaitMs = null;
            String priority = null;
            int seen = 0;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                int field = switch (name) {
                    case "tokens" -> 1;
                    case "maxWaitMs" -> 2;
                    case "priority" -> 4;
                    default -> 0;
                };
                if (field == 0 || (seen & field) != 0) {
                    return null;
                }
                seen |= field;
                if (v == JsonToken.VALUE_NULL) {
                    continue;
                }
                if (field == 4) {
                    if (v != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    priority = p.getText();
                } else {
                    if (v != JsonToken.VALUE_NUMBER_INT
                            || (p.getNumberType() != JsonParser.NumberType.INT
                                    && p.getNumberType() != JsonParser.NumberType.LONG)) {
                        return null;
                    }
                    if (field == 1) {
                        tokens = p.getLongValue();
                    } else {
                        maxWaitMs = p.getLongValue();
                    }
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
            return new AcquireBody(tokens, maxWaitMs, priority);
        } catch (JacksonException e) {
            return null; // malformed: databind says how
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code d} as JSON: the same bytes as {@code Json.write(d)}. */
    static Buffer write(Decision d) {
        Buffer buffer = Buffer.buffer(192);
        try (JsonGenerator g = Json.STRICT.getFactory().createGenerator(Json.output(buffer))) {
            g.writeStartObject();
            if (d.key() != null) {
                g.writeStringField("key", d.key());
            }
            g.writeBooleanField("granted", d.granted());
            g.writeNumberField("tokens", d.tokens());
            g.writeNumberField("remaining", d.remaining());
            g.writeNumberField("capacity", d.capacity());
            g.writeNumberField("refillPerSecond", d.refillPerSecond());
            g.writeNumberField("waitMs", d.waitMs());
            g.writeNumberField("retryAfterMs", d.retryAfterMs());
            g.writeNumberField("borrowed", d.borrowed());
            if (d.ruleId() != null) {
                g.writeStringField("ruleId", d.ruleId());
            }
            if (d.shadow() != null) {
                g.writeBooleanField("shadow", d.shadow());
            }
            if (d.shadowDenied() != null) {
                g.writeBooleanField("shadowDenied", d.shadowDenied());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer;
    }
}
