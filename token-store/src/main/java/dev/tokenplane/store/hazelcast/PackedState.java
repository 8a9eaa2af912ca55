package dev.tokenplane.store.hazelcast;

import dev.tokenplane.store.Algorithm;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.Tokens;
import dev.tokenplane.store.TransferLog;
import java.util.Arrays;

/**
 * The in-memory form of a {@link BucketState} in the bucket map: a short byte array, typically 14–16 bytes.
 *
 * <p>One map entry per bucket costs Hazelcast about 130 bytes of its own (hash entry, record, key bytes), so the value
 * is the part left to shrink: a {@code BucketState} is 112 bytes on the heap (two objects), this array 32. Fields are
 * variable-length integers; the token level is stored as the deficit below the burst, and amounts that are whole
 * multiples of 10<sup>3</sup>, 10<sup>6</sup> or 10<sup>9</sup> (whole tokens, rates of whole tokens per second, TTLs
 * in seconds) drop those zeros. Absent fields (full bucket, generation 0, no TTL, no demand, no transfers) cost a flag
 * bit only.
 *
 * <pre>
 * header   bit 0 leaky bucket · 1 full · 2 generation · 3 idle TTL · 4 demand counters · 5 transfers · 6-7 format
 *          (0, or 1 when the transfer log has a watermark)
 * always   lastRefillAt (zigzag varint) · windowStart - lastRefillAt (zigzag varint) · capacity (varint)
 *          ratePerMilli (scaled)
 * optional burst - tokens (scaled) · generation (zigzag) · idleTtlMillis (scaled) · attempted, granted (varint)
 *          transfer count (varint), then per step id (zigzag), amount (scaled); in format 1 the watermark (varint)
 * </pre>
 * Format 0 is what members before the watermark wrote, and what a state without one is still written as.
 * Decoding is exact: {@code decode(encode(s)).equals(s)} for every state, and ignores bytes after the last field.
 *
 * <p>{@link #encodeInto} writes a bucket's next state over the array the map already holds when it fits, and pads new
 * arrays to the heap's 8-byte granule (free: the array occupies those bytes anyway) so that it usually does. A bucket's
 * array then lives as long as the bucket: a decision writes no new object into the map, so an old map record never
 * points at a young array, and G1's young pauses stay short however many buckets a member holds (BENCHMARKS.md,
 * "the stored state overwritten in place"). Only the partition thread that owns the entry writes it; a reader on
 * another thread (the idle sweep's query) may see a torn state, and {@link #decode} then returns a wrong state or throws
 * {@link IllegalStateException} or {@link IllegalArgumentException}; it never allocates on a torn length.
 */
final class PackedState {

    private static final int LEAKY = 1;
    private static final int FULL = 1 << 1;
    private static final int HAS_GENERATION = 1 << 2;
    private static final int HAS_TTL = 1 << 3;
    private static final int HAS_DEMAND = 1 << 4;
    private static final int HAS_TRANSFERS = 1 << 5;
    private static final int FORMAT_MASK = 0xC0;
    private static final int FORMAT = 0;
    private static final int FORMAT_WATERMARK = 1 << 6;

    private static final long[] SCALES = {1L, 1_000L, 1_000_000L, 1_000_000_000L};

    private PackedState() {}

    static byte[] encode(BucketState s) {
        return write(s).toArray();
    }

    /**
     * Encodes {@code s} into {@code stored} (zeroing what follows) when it fits, and answers {@code stored}; otherwise
     * answers a new array padded with zeros to a multiple of 8 bytes. {@code stored} may be null.
     */
    static byte[] encodeInto(BucketState s, byte[] stored) {
        return write(s).into(stored);
    }

    /**
     * Copies an encoded state into {@code stored} when it fits, as {@link #encodeInto} does, for a backup that
     * receives the owner's bytes; answers {@code stored}, or {@code encoded} itself when it does not fit.
     */
    static byte[] copyInto(byte[] encoded, byte[] stored) {
        return stored != encoded && overwrote(stored, encoded, encoded.length) ? stored : encoded;
    }

    /** Writes the first {@code size} bytes of {@code src} over {@code stored} and zeroes the rest, if they fit. */
    private static boolean overwrote(byte[] stored, byte[] src, int size) {
        if (stored == null || size > stored.length) {
            return false;
        }
        System.arraycopy(src, 0, stored, 0, size);
        Arrays.fill(stored, size, stored.length, (byte) 0);
        return true;
    }

    private static Writer write(BucketState s) {
        long deficit = s.burstNanos() - s.tokens();
        boolean demand = s.attempted() != 0 || s.granted() != 0;
        TransferLog log = s.transfers();
        boolean watermark = log != null && log.watermark() != 0;
        int header = (watermark ? FORMAT_WATERMARK : FORMAT)
                | (s.algorithm() == Algorithm.LEAKY_BUCKET ? LEAKY : 0)
                | (deficit == 0 ? FULL : 0)
                | (s.generation() != 0 ? HAS_GENERATION : 0)
                | (s.idleTtlMillis() != 0 ? HAS_TTL : 0)
                | (demand ? HAS_DEMAND : 0)
                | (log != null ? HAS_TRANSFERS : 0);
        Writer w = new Writer();
        w.raw(header);
        w.varint(zigzag(s.lastRefillAt()));
        w.varint(zigzag(s.windowStart() - s.lastRefillAt()));
        w.varint(s.capacity());
        w.scaled(s.ratePerMilli());
        if (deficit != 0) {
            w.scaled(deficit);
        }
        if (s.generation() != 0) {
            w.varint(zigzag(s.generation()));
        }
        if (s.idleTtlMillis() != 0) {
            w.scaled(s.idleTtlMillis());
        }
        if (demand) {
            w.varint(s.attempted());
            w.varint(s.granted());
        }
        if (log != null) {
            long[] ids = log.ids();
            long[] amounts = log.amounts();
            w.varint(ids.length);
            for (int i = 0; i < ids.length; i++) {
                w.varint(zigzag(ids[i]));
                w.scaled(amounts[i]);
            }
            if (watermark) {
                w.varint(log.watermark());
            }
        }
        return w;
    }

    static BucketState decode(byte[] bytes) {
        Reader r = new Reader(bytes);
        int header = r.raw();
        int format = header & FORMAT_MASK;
        if (format != FORMAT && format != FORMAT_WATERMARK) {
            throw new IllegalStateException("unknown bucket state format " + ((header & FORMAT_MASK) >>> 6));
        }
        Algorithm algorithm = (header & LEAKY) != 0 ? Algorithm.LEAKY_BUCKET : Algorithm.TOKEN_BUCKET;
        long lastRefillAt = unzigzag(r.varint());
        long windowStart = lastRefillAt + unzigzag(r.varint());
        long capacity = r.varint();
        long rate = r.scaled();
        long deficit = (header & FULL) != 0 ? 0 : r.scaled();
        long generation = (header & HAS_GENERATION) != 0 ? unzigzag(r.varint()) : 0;
        long idleTtl = (header & HAS_TTL) != 0 ? r.scaled() : 0;
        long attempted = 0;
        long granted = 0;
        if ((header & HAS_DEMAND) != 0) {
            attempted = r.varint();
            granted = r.varint();
        }
        TransferLog log = null;
        if ((header & HAS_TRANSFERS) != 0) {
            long count = r.varint();
            // each step takes at least two bytes: a larger count is a torn or corrupt array, not a log to allocate
            if (count < 0 || count > r.remaining() / 2) {
                throw new IllegalStateException("transfer count " + count + " beyond the bucket state's bytes");
            }
            int n = (int) count;
            long[] ids = new long[n];
            long[] amounts = new long[n];
            for (int i = 0; i < n; i++) {
                ids[i] = unzigzag(r.varint());
                amounts[i] = r.scaled();
            }
            log = new TransferLog(ids, amounts, format == FORMAT_WATERMARK ? r.varint() : 0);
        }
        long burst = algorithm == Algorithm.LEAKY_BUCKET ? Tokens.SCALE : capacity * Tokens.SCALE;
        return new BucketState(
                burst - deficit,
                lastRefillAt,
                capacity,
                rate,
                algorithm,
                generation,
                idleTtl,
                attempted,
                granted,
                windowStart,
                log);
    }

    static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    static long unzigzag(long u) {
        return (u >>> 1) ^ -(u & 1);
    }

    /** A growable byte buffer; 24 bytes covers the common state without a resize. */
    private static final class Writer {
        private byte[] buf = new byte[24];
        private int size;

        void raw(int b) {
            if (size == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[size++] = (byte) b;
        }

        /** Unsigned LEB128 over all 64 bits. */
        void varint(long u) {
            while ((u & ~0x7FL) != 0) {
                raw((int) ((u & 0x7F) | 0x80));
                u >>>= 7;
            }
            raw((int) u);
        }

        /**
         * A value that may be a whole multiple of 10^3k, read as unsigned (the fields it holds are never negative in a
         * valid state, and negative ones still round-trip): the first byte holds a continuation bit, the scale k
         * (2 bits) and the low 5 bits of v / 10^3k; the remaining bits follow as a varint.
         */
        void scaled(long v) {
            int k = 3;
            while (k > 0 && Long.remainderUnsigned(v, SCALES[k]) != 0) {
                k--;
            }
            long u = Long.divideUnsigned(v, SCALES[k]);
            long rest = u >>> 5;
            raw((int) ((rest != 0 ? 0x80 : 0) | (k << 5) | (u & 0x1F)));
            if (rest != 0) {
                varint(rest);
            }
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, size);
        }

        /** {@link #encodeInto}: over {@code stored}, or a new array rounded up to the heap's 8-byte granule. */
        byte[] into(byte[] stored) {
            return overwrote(stored, buf, size) ? stored : Arrays.copyOf(buf, (size + 7) & ~7);
        }
    }

    private static final class Reader {
        private final byte[] buf;
        private int pos;

        Reader(byte[] buf) {
            this.buf = buf;
        }

        int remaining() {
            return buf.length - pos;
        }

        int raw() {
            if (pos >= buf.length) {
                throw new IllegalStateException("truncated bucket state");
            }
            return buf[pos++] & 0xFF;
        }

        long varint() {
            long u = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = raw();
                u |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return u;
                }
            }
            throw new IllegalStateException("malformed varint in bucket state");
        }

        long scaled() {
            int first = raw();
            long u = first & 0x1F;
            if ((first & 0x80) != 0) {
                u |= varint() << 5;
            }
            return u * SCALES[(first >>> 5) & 3];
        }
    }
}
