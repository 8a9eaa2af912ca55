package dev.tokenplane.client.internal;

import dev.tokenplane.client.Decision;
import dev.tokenplane.client.DecisionSource;
import dev.tokenplane.client.RateLimitException;
import dev.tokenplane.store.Priority;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The frames of the binary decision protocol ({@code docs/decision-protocol.md}) the SDK writes and reads: encoding and
 * decoding only, no I/O ({@link DecisionChannel} does that).
 */
final class DecisionFrames {
    static final byte READY = 2;
    static final byte DECISION = 4;
    static final byte ERROR = 5;
    static final int MAX_FRAME_BYTES = 64 * 1024;

    /**
     * The code of the goodbye: the BMS sends it only once every request it read on the connection is answered, so a
     * request without an answer before it never reached the BMS, and may be sent again on a new connection.
     */
    static final String GOODBYE = "idle_timeout";

    private static final byte VERSION = 1;
    private static final byte HELLO = 1;
    private static final byte ACQUIRE = 3;

    private DecisionFrames() {}

    /** The connection's first frame, with the API key (null: none), length prefix included. */
    static byte[] hello(String apiKey) {
        byte[] key = apiKey == null ? new byte[0] : apiKey.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + 4 + key.length)
                .putInt(4 + key.length)
                .put(HELLO)
                .put(VERSION)
                .putShort((short) key.length)
                .put(key)
                .array();
    }

    /** An {@code ACQUIRE} frame, length prefix included. */
    static byte[] acquire(int id, String key, long tokens, long maxWaitMs, Priority priority) {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        int length = 1 + 4 + 8 + 8 + 1 + 2 + keyBytes.length;
        return ByteBuffer.allocate(4 + length)
                .putInt(length)
                .put(ACQUIRE)
                .putInt(id)
                .putLong(tokens)
                .putLong(maxWaitMs)
                .put((byte) priority.ordinal())
                .putShort((short) keyBytes.length)
                .put(keyBytes)
                .array();
    }

    /** The decision of a {@code DECISION} frame positioned after its type, for {@code tokens} of {@code askedKey}. */
    static Decision decision(ByteBuffer frame, String askedKey, long tokens) {
        frame.getInt(); // the id
        int flags = frame.get();
        long remaining = frame.getLong();
        long capacity = frame.getLong();
        double refill = frame.getDouble();
        long waitMs = frame.getLong();
        long retryAfterMs = frame.getLong();
        String ruleId = string(frame);
        String key = (flags & 8) != 0 ? string(frame) : askedKey; // 8: the BMS put the client id in the key
        return new Decision(
                key,
                (flags & 1) != 0,
                tokens,
                remaining,
                capacity,
                refill,
                waitMs,
                retryAfterMs,
                ruleId.isEmpty() ? null : ruleId,
                DecisionSource.BMS);
    }

    /** The error of an {@code ERROR} frame positioned after its type: a 5xx-class one is thrown as unreachable. */
    static RateLimitException error(ByteBuffer frame) throws DecisionChannel.Unreachable {
        frame.getInt(); // the id
        int status = Short.toUnsignedInt(frame.getShort());
        frame.getLong(); // retryAfterMs: a 429 is a plain error for the SDK, as over HTTP
        String code = string(frame);
        String message = string(frame);
        if (status >= 500) {
            throw new DecisionChannel.Unreachable("the BMS answered " + status + " " + code + ": " + message, true);
        }
        return RateLimitException.of(status, code, message);
    }

    private static String string(ByteBuffer frame) {
        int length = Short.toUnsignedInt(frame.getShort());
        String s = new String(frame.array(), frame.position(), length, StandardCharsets.UTF_8);
        frame.position(frame.position() + length);
        return s;
    }
}
