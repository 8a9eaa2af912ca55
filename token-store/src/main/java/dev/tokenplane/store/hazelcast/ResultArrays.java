package dev.tokenplane.store.hazelcast;

import dev.tokenplane.store.AcquireResult;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * A batch's results for one key as a {@code byte[]}: per result, its place in the request (an int), its variant (a
 * byte) and its five fields (longs). A batch answers one result object per key; a byte array is copied whole by
 * Hazelcast's serializer (a {@code long[]} is written and read a byte at a time, which cost a sixth of a batch's CPU
 * on one member), and the places let the caller fill the answer without deserializing keys or looking them up.
 * Single-key calls keep the Compact form.
 */
final class ResultArrays {

    private static final int WIDTH = Integer.BYTES + 1 + 5 * Long.BYTES;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final byte GRANTED = 0;
    private static final byte DENIED = 1;
    private static final byte UNSATISFIABLE = 2;
    private static final byte REFUSED = 3;

    private ResultArrays() {}

    /** Room for {@code n} results. */
    static byte[] allocate(int n) {
        return new byte[n * WIDTH];
    }

    /** Writes {@code r}, the answer for request place {@code place}, as the {@code index}-th result of {@code out}. */
    static void put(byte[] out, int index, int place, AcquireResult r) {
        int i = index * WIDTH;
        long last;
        byte variant;
        if (r instanceof AcquireResult.Granted g) {
            variant = GRANTED;
            last = g.waitMs();
        } else if (r instanceof AcquireResult.Denied d) {
            variant = DENIED;
            last = d.retryAfterMs();
        } else if (r instanceof AcquireResult.Refused) {
            variant = REFUSED;
            last = 0;
        } else {
            variant = UNSATISFIABLE;
            last = ((AcquireResult.Unsatisfiable) r).minMaxWaitMs();
        }
        INT.set(out, i, place);
        out[i + 4] = variant;
        LONG.set(out, i + 5, r.tokens());
        LONG.set(out, i + 13, r.remaining());
        LONG.set(out, i + 21, r.capacity());
        LONG.set(out, i + 29, r.ratePerMilli());
        LONG.set(out, i + 37, last);
    }

    /** Puts every result of {@code in} at its place in {@code answer}. */
    static void decodeInto(byte[] in, AcquireResult[] answer) {
        for (int i = 0; i < in.length; i += WIDTH) {
            answer[(int) INT.get(in, i)] = decode(in, i);
        }
    }

    /** The results of one key's answer, when it answers the whole request. */
    static List<AcquireResult> decodeAll(byte[] in) {
        AcquireResult[] answer = new AcquireResult[in.length / WIDTH];
        decodeInto(in, answer);
        return Arrays.asList(answer);
    }

    private static AcquireResult decode(byte[] in, int i) {
        byte variant = in[i + 4];
        long tokens = (long) LONG.get(in, i + 5);
        long remaining = (long) LONG.get(in, i + 13);
        long capacity = (long) LONG.get(in, i + 21);
        long rate = (long) LONG.get(in, i + 29);
        long last = (long) LONG.get(in, i + 37);
        return switch (variant) {
            case GRANTED -> new AcquireResult.Granted(tokens, remaining, capacity, rate, last);
            case DENIED -> new AcquireResult.Denied(tokens, remaining, capacity, rate, last);
            case REFUSED -> new AcquireResult.Refused(tokens, remaining, capacity, rate);
            case UNSATISFIABLE -> new AcquireResult.Unsatisfiable(tokens, remaining, capacity, rate, last);
            default -> throw new IllegalStateException("unknown result variant " + variant);
        };
    }
}
