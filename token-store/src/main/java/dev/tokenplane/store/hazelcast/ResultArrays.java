package dev.tokenplane.store.hazelcast;

import dev.tokenplane.store.AcquireResult;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch's results for one key as a {@code long[]}: six longs per result (the variant, then its five fields). A batch
 * answers one result object per key, and a primitive array is cheaper to write and read than a list of Compact records;
 * single-key calls keep the Compact form.
 */
final class ResultArrays {

    private static final int WIDTH = 6;
    private static final long GRANTED = 0;
    private static final long DENIED = 1;
    private static final long UNSATISFIABLE = 2;
    private static final long REFUSED = 3;

    private ResultArrays() {}

    static long[] encode(List<AcquireResult> results) {
        long[] out = new long[results.size() * WIDTH];
        int i = 0;
        for (AcquireResult r : results) {
            if (r instanceof AcquireResult.Granted g) {
                out[i] = GRANTED;
                out[i + 5] = g.waitMs();
            } else if (r instanceof AcquireResult.Denied d) {
                out[i] = DENIED;
                out[i + 5] = d.retryAfterMs();
            } else if (r instanceof AcquireResult.Refused) {
                out[i] = REFUSED;
            } else {
                out[i] = UNSATISFIABLE;
                out[i + 5] = ((AcquireResult.Unsatisfiable) r).minMaxWaitMs();
            }
            out[i + 1] = r.tokens();
            out[i + 2] = r.remaining();
            out[i + 3] = r.capacity();
            out[i + 4] = r.ratePerMilli();
            i += WIDTH;
        }
        return out;
    }

    /** The {@code index}-th result in {@code in}. */
    static AcquireResult decode(long[] in, int index) {
        int i = index * WIDTH;
        long variant = in[i];
        if (variant == GRANTED) {
            return new AcquireResult.Granted(in[i + 1], in[i + 2], in[i + 3], in[i + 4], in[i + 5]);
        } else if (variant == DENIED) {
            return new AcquireResult.Denied(in[i + 1], in[i + 2], in[i + 3], in[i + 4], in[i + 5]);
        } else if (variant == REFUSED) {
            return new AcquireResult.Refused(in[i + 1], in[i + 2], in[i + 3], in[i + 4]);
        } else if (variant == UNSATISFIABLE) {
            return new AcquireResult.Unsatisfiable(in[i + 1], in[i + 2], in[i + 3], in[i + 4], in[i + 5]);
        }
        throw new IllegalStateException("unknown result variant " + variant);
    }

    static List<AcquireResult> decodeAll(long[] in) {
        List<AcquireResult> results = new ArrayList<>(in.length / WIDTH);
        for (int k = 0; k < in.length / WIDTH; k++) {
            results.add(decode(in, k));
        }
        return results;
    }
}
