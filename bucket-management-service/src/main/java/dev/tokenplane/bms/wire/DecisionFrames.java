package dev.tokenplane.bms.wire;

import dev.tokenplane.bms.decide.Decision;
import dev.tokenplane.store.Priority;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The frames of the decision protocol (version 1), server side: every frame is a 4-byte big-endian length of what
 * follows, then a 1-byte type. Strings are UTF-8 with a 2-byte length. The layout ({@code docs/decision-protocol.md}):
 *
 * <pre>
 * HELLO    (client) type=1 version:u8 apiKeyLength:u16 apiKey
 * READY    (server) type=2 version:u8
 * ACQUIRE  (client) type=3 id:i32 tokens:i64 maxWaitMs:i64 priority:u8 keyLength:u16 key
 * DECISION (server) type=4 id:i32 flags:u8 remaining:i64 capacity:i64 refillPerSecond:f64 waitMs:i64
 *                          retryAfterMs:i64 ruleIdLength:u16 ruleId [keyLength:u16 key]
 *                          (flags: 1 granted, 2 shadow, 4 shadowDenied, 8 the key follows: the BMS rewrote the
 *                          requested key, its {client} placeholder replaced by the API key's client id)
 * ERROR    (server) type=5 id:i32 status:u16 retryAfterMs:i64 codeLength:u16 code messageLength:u16 message
 * </pre>
 *
 * <p>An {@code ERROR} with id 0 is about the connection (a refused {@code HELLO}, a malformed or oversized frame): the
 * server closes the connection after it. Decoding reads the fields in place from the connection's buffer
 * ({@link FrameCutter}): only the key string is allocated. Encoding appends to the buffer of answers the connection
 * writes at once.
 */
final class DecisionFrames {
    static final byte VERSION = 1;
    static final byte HELLO = 1;
    static final byte READY = 2;
    static final byte ACQUIRE = 3;
    static final byte DECISION = 4;
    static final byte ERROR = 5;

    /** The fixed part of an {@code ACQUIRE} after the length: type, id, tokens, maxWaitMs, priority, key length. */
    static final int ACQUIRE_FIXED = 1 + 4 + 8 + 8 + 1 + 2;

    static final int FLAG_GRANTED = 1;
    static final int FLAG_SHADOW = 2;
    static final int FLAG_SHADOW_DENIED = 4;
    static final int FLAG_KEY = 8;

    /** The longest error message sent, in bytes (longer ones are cut). */
    private static final int MAX_MESSAGE_BYTES = 1_000;

    private static final Priority[] PRIORITIES = Priority.values();

    private DecisionFrames() {}

    /** A frame that breaks the layout: answered with a connection error, then the connection is closed. */
    static final class MalformedFrameException extends RuntimeException {
        MalformedFrameException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The API key of a {@code HELLO} frame ({@code length} bytes of {@code data} from {@code at}), or null for an empty
     * one.
     */
    static String helloApiKey(Buffer data, int at, int length) {
        if (length < 4 || data.getByte(at) != HELLO) {
            throw new MalformedFrameException("the first frame must be a HELLO (type 1)");
        }
        if (data.getByte(at + 1) != VERSION) {
            throw new MalformedFrameException(
                    "unsupported protocol version " + data.getUnsignedByte(at + 1) + ", this server speaks " + VERSION);
        }
        int keyLength = data.getUnsignedShort(at + 2);
        if (length != 4 + keyLength) {
            throw new MalformedFrameException("HELLO length does not match its API key's length");
        }
        return keyLength == 0 ? null : string(data, at + 4, keyLength);
    }

    static int acquireId(Buffer data, int at) {
        return data.getInt(at + 1);
    }

    static long acquireTokens(Buffer data, int at) {
        return data.getLong(at + 5);
    }

    static long acquireMaxWaitMs(Buffer data, int at) {
        return data.getLong(at + 13);
    }

    /** The priority's wire name (as the JSON API takes it), or a malformed frame for an unknown one. */
    static String acquirePriority(Buffer data, int at) {
        int p = data.getUnsignedByte(at + 21);
        if (p >= PRIORITIES.length) {
            throw new MalformedFrameException("priority must be 0.." + (PRIORITIES.length - 1) + ", was " + p);
        }
        return PRIORITIES[p].wireName();
    }

    /** The bucket key of an {@code ACQUIRE} of {@code length} bytes whose layout {@link #checkAcquire} accepted. */
    static String acquireKey(Buffer data, int at, int length) {
        return string(data, at + ACQUIRE_FIXED, length - ACQUIRE_FIXED);
    }

    /** Throws {@link MalformedFrameException} unless the frame is an {@code ACQUIRE} of consistent length. */
    static void checkAcquire(Buffer data, int at, int length) {
        if (length < ACQUIRE_FIXED || data.getByte(at) != ACQUIRE) {
            throw new MalformedFrameException(
                    "expected an ACQUIRE frame (type 3) of at least " + ACQUIRE_FIXED + " bytes");
        }
        if (data.getUnsignedShort(at + ACQUIRE_FIXED - 2) != length - ACQUIRE_FIXED) {
            throw new MalformedFrameException("ACQUIRE length does not match its key's length");
        }
    }

    private static String string(Buffer data, int at, int length) {
        return new String(data.getBytes(at, at + length), StandardCharsets.UTF_8);
    }

    static Buffer appendReady(Buffer out) {
        return out.appendInt(2).appendByte(READY).appendByte(VERSION);
    }

    /**
     * Appends a decision to {@code out}.
     *
     * @param rule the rule id's UTF-8 bytes (empty for none)
     * @param key  the UTF-8 bytes of the key decided on when the BMS rewrote the one asked for (it is sent), else null
     */
    static Buffer appendDecision(Buffer out, int id, Decision d, byte[] rule, byte[] key) {
        int flags = (d.granted() ? FLAG_GRANTED : 0)
                | (Boolean.TRUE.equals(d.shadow()) ? FLAG_SHADOW : 0)
                | (Boolean.TRUE.equals(d.shadowDenied()) ? FLAG_SHADOW_DENIED : 0)
                | (key != null ? FLAG_KEY : 0);
        int length = 1 + 4 + 1 + 5 * 8 + 2 + rule.length + (key != null ? 2 + key.length : 0);
        out.appendInt(length)
                .appendByte(DECISION)
                .appendInt(id)
                .appendByte((byte) flags)
                .appendLong(d.remaining())
                .appendLong(d.capacity())
                .appendDouble(d.refillPerSecond())
                .appendLong(d.waitMs())
                .appendLong(d.retryAfterMs())
                .appendUnsignedShort(rule.length)
                .appendBytes(rule);
        return key != null ? out.appendUnsignedShort(key.length).appendBytes(key) : out;
    }

    static Buffer appendError(Buffer out, int id, int status, String code, String message, long retryAfterMs) {
        byte[] c = code.getBytes(StandardCharsets.UTF_8);
        byte[] m = message == null ? new byte[0] : message.getBytes(StandardCharsets.UTF_8);
        int messageLength = Math.min(m.length, MAX_MESSAGE_BYTES);
        int length = 1 + 4 + 2 + 8 + 2 + c.length + 2 + messageLength;
        return out.appendInt(length)
                .appendByte(ERROR)
                .appendInt(id)
                .appendUnsignedShort(status)
                .appendLong(retryAfterMs)
                .appendUnsignedShort(c.length)
                .appendBytes(c)
                .appendUnsignedShort(messageLength)
                .appendBytes(m, 0, messageLength);
    }
}
