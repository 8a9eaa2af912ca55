package dev.tokenplane.bms.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.tokenplane.bms.decide.Decision;
import dev.tokenplane.bms.http.DecisionRoutes.AcquireBody;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON of a single decision: the body of a single acquire in (a scan of its bytes), the {@link Decision} out (as
 * bytes, {@link DecisionBytes}, or on Jackson's generator when a string needs escaping), without databind's per-call set-up (a serializer provider, a deserialization context, and a
 * reflective call per record component), which on a decision that makes no remote call is a large part of its cost.
 *
 * <p>The shapes stay {@link Json}'s: a body of any other form than plain fields of the right JSON types (an unknown or
 * repeated field, a string or a fraction for a number, a long number, an escape in a string, trailing content,
 * malformed JSON) is read
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
        AcquireBody plain = plainAcquire(body.getBytes());
        return plain != null ? plain : Replies.optionalBodyOf(body, AcquireBody.class);
    }

    /**
     * The body if it is a flat object of the known fields, each at most once, an integer of at most 18 digits (or
     * null) for the numbers and a string of plain letters (or null) for the priority, with JSON whitespace; else null
     * (databind decides). A scan of the bytes: a full JSON parser costs more than the rest of a local decision's body.
     */
    private static AcquireBody plainAcquire(byte[] b) {
        Scan s = new Scan(b);
        Long tokens = null;
        Long maxWaitMs = null;
        String priority = null;
        int seen = 0;
        if (!s.skip('{')) {
            return null;
        }
        if (!s.skip('}')) {
            do {
                int field = s.name();
                if (field == 0 || (seen & field) != 0 || !s.skip(':')) {
                    return null;
                }
                seen |= field;
                if (s.literalNull()) {
                    continue;
                }
                if (field == PRIORITY) {
                    priority = s.letters();
                    if (priority == null) {
                        return null;
                    }
                } else {
                    long v = s.integer();
                    if (v == Long.MIN_VALUE) {
                        return null;
                    }
                    if (field == TOKENS) {
                        tokens = v;
                    } else {
                        maxWaitMs = v;
                    }
                }
            } while (s.skip(','));
            if (!s.skip('}')) {
                return null;
            }
        }
        return s.atEnd() ? new AcquireBody(tokens, maxWaitMs, priority) : null;
    }

    private static final int TOKENS = 1;
    private static final int MAX_WAIT_MS = 2;
    private static final int PRIORITY = 4;
    private static final byte[] TOKENS_NAME = "tokens".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAX_WAIT_MS_NAME = "maxWaitMs".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PRIORITY_NAME = "priority".getBytes(StandardCharsets.US_ASCII);

    /** A cursor over a small body; every method skips JSON whitespace first. */
    private static final class Scan {
        private final byte[] b;
        private int i;

        Scan(byte[] b) {
            this.b = b;
        }

        private void ws() {
            while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
                i++;
            }
        }

        boolean skip(char c) {
            ws();
            if (i < b.length && b[i] == c) {
                i++;
                return true;
            }
            return false;
        }

        boolean atEnd() {
            ws();
            return i == b.length;
        }

        /**
         * A field name: {@link #TOKENS}, {@link #MAX_WAIT_MS}, {@link #PRIORITY}, or 0 for anything else (compared as
         * bytes: no string per field).
         */
        int name() {
            if (!skip('"')) {
                return 0;
            }
            int field = named(TOKENS_NAME)
                    ? TOKENS
                    : named(MAX_WAIT_MS_NAME) ? MAX_WAIT_MS : named(PRIORITY_NAME) ? PRIORITY : 0;
            return field != 0 && i < b.length && b[i++] == '"' ? field : 0;
        }

        /** Whether {@code name} is next (then skipped). */
        private boolean named(byte[] name) {
            if (i + name.length > b.length) {
                return false;
            }
            for (int j = 0; j < name.length; j++) {
                if (b[i + j] != name[j]) {
                    return false;
                }
            }
            i += name.length;
            return true;
        }

        boolean literalNull() {
            ws();
            if (i + 4 <= b.length && b[i] == 'n' && b[i + 1] == 'u' && b[i + 2] == 'l' && b[i + 3] == 'l') {
                i += 4;
                return true;
            }
            return false;
        }

        /** A string of ASCII letters, or null. */
        String letters() {
            if (!skip('"')) {
                return null;
            }
            int from = i;
            while (i < b.length && ((b[i] >= 'a' && b[i] <= 'z') || (b[i] >= 'A' && b[i] <= 'Z'))) {
                i++;
            }
            if (i >= b.length || b[i] != '"') {
                return null;
            }
            return new String(b, from, i++ - from, StandardCharsets.US_ASCII);
        }

        /** A JSON integer of 1 to 18 digits (no leading zero, no fraction or exponent), or Long.MIN_VALUE. */
        long integer() {
            ws();
            boolean negative = i < b.length && b[i] == '-';
            int from = negative ? ++i : i;
            long v = 0;
            while (i < b.length && b[i] >= '0' && b[i] <= '9' && i - from < 18) {
                v = v * 10 + (b[i++] - '0');
            }
            int digits = i - from;
            boolean valid = digits > 0
                    && !(digits > 1 && b[from] == '0')
                    && (i == b.length || (b[i] != '.' && b[i] != 'e' && b[i] != 'E' && (b[i] < '0' || b[i] > '9')));
            return !valid ? Long.MIN_VALUE : negative ? -v : v;
        }
    }

    /** {@code d} as JSON: the same bytes as {@code Json.write(d)}. */
    static Buffer write(Decision d) {
        Buffer plain = DecisionBytes.plain(d);
        return plain != null ? plain : generated(d);
    }

    /** {@code d} on Jackson's generator: any key or rule id, any rate. */
    private static Buffer generated(Decision d) {
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
