package dev.tokenplane.bms.http;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.tokenplane.bms.json.DomainJson;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The strict JSON of the HTTP edge: unknown fields, duplicate keys, trailing content, wrong types (no coercion of
 * strings to numbers or numbers to strings, no floats into integers), NaN and Infinity literals are all rejected, and
 * {@link ErrorMapper} answers each with a 400 naming the field. The domain records' shapes come from {@link DomainJson}.
 */
public final class Json {
    public static final ObjectMapper STRICT = strict();

    private Json() {}

    private static ObjectMapper strict() {
        ObjectMapper m = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .addModule(DomainJson.module())
                .build();
        for (LogicalType t : new LogicalType[] {
            LogicalType.Textual,
            LogicalType.Boolean,
            LogicalType.Integer,
            LogicalType.Float,
            LogicalType.Enum,
            LogicalType.POJO,
            LogicalType.Collection
        }) {
            var c = m.coercionConfigFor(t);
            for (CoercionInputShape shape : new CoercionInputShape[] {
                CoercionInputShape.Integer,
                CoercionInputShape.Float,
                CoercionInputShape.Boolean,
                CoercionInputShape.EmptyString,
                CoercionInputShape.String
            }) {
                boolean natural = (t == LogicalType.Textual && shape == CoercionInputShape.String)
                        || (t == LogicalType.Textual && shape == CoercionInputShape.EmptyString)
                        || (t == LogicalType.Enum && shape == CoercionInputShape.String)
                        || (t == LogicalType.Integer && shape == CoercionInputShape.Integer)
                        || (t == LogicalType.Float
                                && (shape == CoercionInputShape.Float || shape == CoercionInputShape.Integer))
                        || (t == LogicalType.Boolean && shape == CoercionInputShape.Boolean);
                if (!natural) {
                    c.setCoercion(shape, CoercionAction.Fail);
                }
            }
        }
        return m;
    }

    /** Reads a request body; the exceptions go to {@link ErrorMapper}. */
    public static <T> T read(Buffer body, Class<T> type) throws IOException {
        return STRICT.readValue(body.getBytes(), type);
    }

    /** Writes a response body, straight into a Vert.x buffer (no intermediate byte array). */
    public static Buffer write(Object value) {
        Buffer buffer = Buffer.buffer(256);
        try {
            STRICT.writeValue(output(buffer), value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer;
    }

    /** A stream that appends to {@code buffer}. */
    static OutputStream output(Buffer buffer) {
        return new BufferOutput(buffer);
    }

    /** An output stream appending to a buffer; Jackson writes through its own recycled buffer in large chunks. */
    private static final class BufferOutput extends OutputStream {
        private final Buffer buffer;

        BufferOutput(Buffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public void write(int b) {
            buffer.appendByte((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            buffer.appendBytes(b, off, len);
        }
    }
}
