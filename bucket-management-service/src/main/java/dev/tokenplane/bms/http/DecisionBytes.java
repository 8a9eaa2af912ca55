package dev.tokenplane.bms.http;

import dev.tokenplane.bms.decide.Decision;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * A {@link Decision} as JSON bytes, written by hand: the same bytes as {@link Json#write} (field order, nulls left out,
 * numbers as Jackson writes them), for the decisions whose key and rule id need no escaping (printable ASCII without
 * {@code "} or {@code \}) and whose rate is finite; {@link #plain} returns null for any other, which Jackson writes.
 * Jackson's generator costs more set-up (a context, a recycled buffer, a stream) than the whole answer's bytes.
 *
 * <p>The rate is a double, written as {@link Double#toString} (Jackson's way); as a bucket's rate rarely changes, the
 * last one written is kept as bytes. Thread-safe: the kept rate is an immutable pair, published whole, and each thread
 * writes in its own scratch array.
 */
final class DecisionBytes {
    private static final byte[] KEY = ascii("{\"key\":\"");
    private static final byte[] GRANTED_TRUE = ascii("\"granted\":true");
    private static final byte[] GRANTED_FALSE = ascii("\"granted\":false");
    private static final byte[] TOKENS = ascii(",\"tokens\":");
    private static final byte[] REMAINING = ascii(",\"remaining\":");
    private static final byte[] CAPACITY = ascii(",\"capacity\":");
    private static final byte[] REFILL = ascii(",\"refillPerSecond\":");
    private static final byte[] WAIT = ascii(",\"waitMs\":");
    private static final byte[] RETRY = ascii(",\"retryAfterMs\":");
    private static final byte[] BORROWED = ascii(",\"borrowed\":");
    private static final byte[] RULE = ascii(",\"ruleId\":\"");
    private static final byte[] SHADOW = ascii(",\"shadow\":");
    private static final byte[] SHADOW_DENIED = ascii(",\"shadowDenied\":");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    /** The fields' names, the punctuation and ten numbers of at most 20 characters each, and the rate. */
    private static final int FIXED = 200 + 10 * 20;

    /** A rate and its text. */
    private record Rate(double value, byte[] text) {}

    /** Per thread (the event loops): {@link #plain} never runs twice at once on one thread. */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[FIXED + 2 * 256 + 32]);

    private static volatile Rate lastRate = new Rate(0, ascii("0.0"));

    private DecisionBytes() {}

    /** {@code d} as JSON, or null when a string needs escaping or the rate is not finite (Jackson writes it). */
    static Buffer plain(Decision d) {
        String key = d.key();
        String rule = d.ruleId();
        if (!plainText(key) || !plainText(rule) || !Double.isFinite(d.refillPerSecond())) {
            return null;
        }
        byte[] rate = rate(d.refillPerSecond());
        byte[] out = scratch(FIXED + length(key) + length(rule) + rate.length);
        int i = 0;
        if (key != null) {
            i = put(out, i, KEY);
            i = putAscii(out, i, key);
            out[i++] = '"';
            out[i++] = ',';
        } else {
            out[i++] = '{';
        }
        i = put(out, i, d.granted() ? GRANTED_TRUE : GRANTED_FALSE);
        i = putLong(out, put(out, i, TOKENS), d.tokens());
        i = putLong(out, put(out, i, REMAINING), d.remaining());
        i = putLong(out, put(out, i, CAPACITY), d.capacity());
        i = put(out, put(out, i, REFILL), rate);
        i = putLong(out, put(out, i, WAIT), d.waitMs());
        i = putLong(out, put(out, i, RETRY), d.retryAfterMs());
        i = putLong(out, put(out, i, BORROWED), d.borrowed());
        if (rule != null) {
            i = putAscii(out, put(out, i, RULE), rule);
            out[i++] = '"';
        }
        if (d.shadow() != null) {
            i = put(out, put(out, i, SHADOW), d.shadow() ? TRUE : FALSE);
        }
        if (d.shadowDenied() != null) {
            i = put(out, put(out, i, SHADOW_DENIED), d.shadowDenied() ? TRUE : FALSE);
        }
        out[i++] = '}';
        return Buffer.buffer(i).appendBytes(out, 0, i);
    }

    /** Null, or printable ASCII without a quote or a backslash: what JSON takes as it is. */
    private static boolean plainText(String s) {
        if (s == null) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /**
     * This thread's scratch array of at least {@code size} bytes: the answer is written there and copied once into a
     * buffer of its exact size, instead of into a fresh, zeroed array of the largest size an answer may take.
     */
    private static byte[] scratch(int size) {
        byte[] out = SCRATCH.get();
        if (out.length < size) {
            out = new byte[size];
            SCRATCH.set(out);
        }
        return out;
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    private static byte[] rate(double value) {
        Rate last = lastRate;
        if (Double.doubleToRawLongBits(last.value()) != Double.doubleToRawLongBits(value)) {
            last = new Rate(value, ascii(Double.toString(value)));
            lastRate = last;
        }
        return last.text();
    }

    private static int put(byte[] out, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
    }

    private static int putAscii(byte[] out, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            out[at + i] = (byte) s.charAt(i);
        }
        return at + s.length();
    }

    /** {@code v} in decimal, as {@link Long#toString} writes it. */
    private static int putLong(byte[] out, int at, long v) {
        if (v == Long.MIN_VALUE) {
            return put(out, at, ascii(Long.toString(v)));
        }
        int i = at;
        if (v < 0) {
            out[i++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long p = 10; digits < 19 && v >= p; p *= 10) {
            digits++;
        }
        for (int d = i + digits - 1; d >= i; d--) {
            out[d] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return i + digits;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
