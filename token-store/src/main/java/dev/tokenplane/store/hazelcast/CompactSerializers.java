package dev.tokenplane.store.hazelcast;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.Algorithm;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.DemandSample;
import dev.tokenplane.store.TransferLog;
import java.util.List;

/**
 * Compact serializers for the core's values, which cross the network as operation results ({@link BucketState},
 * {@link AcquireResult}, {@link DemandSample}). The core knows nothing of Hazelcast, so the serializers live here
 * rather than on the records. Type names are stable: renaming one breaks a rolling upgrade.
 */
final class CompactSerializers {

    private CompactSerializers() {}

    static List<CompactSerializer<?>> all() {
        return List.of(
                new BucketStateSerializer(),
                new TransferLogSerializer(),
                new GrantedSerializer(),
                new DeniedSerializer(),
                new UnsatisfiableSerializer(),
                new RefusedSerializer(),
                new DemandSampleSerializer());
    }

    /**
     * One value of each type above, for {@link CompactSchemas}: a Compact schema follows from the fields a serializer
     * writes, which are the same for every value of its type.
     */
    static List<Object> samples() {
        TransferLog transfers = TransferLog.append(null, 1, 1);
        return List.of(
                new BucketState(0, 0, 1, 1, Algorithm.TOKEN_BUCKET, 0, 0, 0, 0, 0, transfers),
                transfers,
                new AcquireResult.Granted(1, 0, 1, 1, 0),
                new AcquireResult.Denied(1, 0, 1, 1, 1),
                new AcquireResult.Unsatisfiable(1, 0, 1, 1, 1),
                new AcquireResult.Refused(1, 0, 1, 1),
                new DemandSample(0, 0, 0, 0, 1, 1, 0));
    }

    static final class BucketStateSerializer implements CompactSerializer<BucketState> {
        @Override
        public BucketState read(CompactReader in) {
            return new BucketState(
                    in.readInt64("tokens"),
                    in.readInt64("lastRefillAt"),
                    in.readInt64("capacity"),
                    in.readInt64("ratePerMilli"),
                    Algorithm.values()[in.readInt8("algorithm")],
                    in.readInt64("generation"),
                    in.readInt64("idleTtlMillis"),
                    in.readInt64("attempted"),
                    in.readInt64("granted"),
                    in.readInt64("windowStart"),
                    in.readCompact("transfers"));
        }

        @Override
        public void write(CompactWriter out, BucketState s) {
            out.writeInt64("tokens", s.tokens());
            out.writeInt64("lastRefillAt", s.lastRefillAt());
            out.writeInt64("capacity", s.capacity());
            out.writeInt64("ratePerMilli", s.ratePerMilli());
            out.writeInt8("algorithm", (byte) s.algorithm().ordinal());
            out.writeInt64("generation", s.generation());
            out.writeInt64("idleTtlMillis", s.idleTtlMillis());
            out.writeInt64("attempted", s.attempted());
            out.writeInt64("granted", s.granted());
            out.writeInt64("windowStart", s.windowStart());
            out.writeCompact("transfers", s.transfers());
        }

        @Override
        public String getTypeName() {
            return "tokenplane.BucketState";
        }

        @Override
        public Class<BucketState> getCompactClass() {
            return BucketState.class;
        }
    }

    static final class TransferLogSerializer implements CompactSerializer<TransferLog> {
        @Override
        public TransferLog read(CompactReader in) {
            return new TransferLog(in.readArrayOfInt64("ids"), in.readArrayOfInt64("amounts"));
        }

        @Override
        public void write(CompactWriter out, TransferLog log) {
            out.writeArrayOfInt64("ids", log.ids());
            out.writeArrayOfInt64("amounts", log.amounts());
        }

        @Override
        public String getTypeName() {
            return "tokenplane.TransferLog";
        }

        @Override
        public Class<TransferLog> getCompactClass() {
            return TransferLog.class;
        }
    }

    static final class GrantedSerializer implements CompactSerializer<AcquireResult.Granted> {
        @Override
        public AcquireResult.Granted read(CompactReader in) {
            return new AcquireResult.Granted(
                    in.readInt64("tokens"),
                    in.readInt64("remaining"),
                    in.readInt64("capacity"),
                    in.readInt64("ratePerMilli"),
                    in.readInt64("waitMs"));
        }

        @Override
        public void write(CompactWriter out, AcquireResult.Granted r) {
            writeCommon(out, r);
            out.writeInt64("waitMs", r.waitMs());
        }

        @Override
        public String getTypeName() {
            return "tokenplane.AcquireResult.Granted";
        }

        @Override
        public Class<AcquireResult.Granted> getCompactClass() {
            return AcquireResult.Granted.class;
        }
    }

    static final class DeniedSerializer implements CompactSerializer<AcquireResult.Denied> {
        @Override
        public AcquireResult.Denied read(CompactReader in) {
            return new AcquireResult.Denied(
                    in.readInt64("tokens"),
                    in.readInt64("remaining"),
                    in.readInt64("capacity"),
                    in.readInt64("ratePerMilli"),
                    in.readInt64("retryAfterMs"));
        }

        @Override
        public void write(CompactWriter out, AcquireResult.Denied r) {
            writeCommon(out, r);
            out.writeInt64("retryAfterMs", r.retryAfterMs());
        }

        @Override
        public String getTypeName() {
            return "tokenplane.AcquireResult.Denied";
        }

        @Override
        public Class<AcquireResult.Denied> getCompactClass() {
            return AcquireResult.Denied.class;
        }
    }

    static final class UnsatisfiableSerializer implements CompactSerializer<AcquireResult.Unsatisfiable> {
        @Override
        public AcquireResult.Unsatisfiable read(CompactReader in) {
            return new AcquireResult.Unsatisfiable(
                    in.readInt64("tokens"),
                    in.readInt64("remaining"),
                    in.readInt64("capacity"),
                    in.readInt64("ratePerMilli"),
                    in.readInt64("minMaxWaitMs"));
        }

        @Override
        public void write(CompactWriter out, AcquireResult.Unsatisfiable r) {
            writeCommon(out, r);
            out.writeInt64("minMaxWaitMs", r.minMaxWaitMs());
        }

        @Override
        public String getTypeName() {
            return "tokenplane.AcquireResult.Unsatisfiable";
        }

        @Override
        public Class<AcquireResult.Unsatisfiable> getCompactClass() {
            return AcquireResult.Unsatisfiable.class;
        }
    }

    static final class RefusedSerializer implements CompactSerializer<AcquireResult.Refused> {
        @Override
        public AcquireResult.Refused read(CompactReader in) {
            return new AcquireResult.Refused(
                    in.readInt64("tokens"),
                    in.readInt64("remaining"),
                    in.readInt64("capacity"),
                    in.readInt64("ratePerMilli"));
        }

        @Override
        public void write(CompactWriter out, AcquireResult.Refused r) {
            writeCommon(out, r);
        }

        @Override
        public String getTypeName() {
            return "tokenplane.AcquireResult.Refused";
        }

        @Override
        public Class<AcquireResult.Refused> getCompactClass() {
            return AcquireResult.Refused.class;
        }
    }

    static final class DemandSampleSerializer implements CompactSerializer<DemandSample> {
        @Override
        public DemandSample read(CompactReader in) {
            return new DemandSample(
                    in.readInt64("attempted"),
                    in.readInt64("granted"),
                    in.readInt64("fromMillis"),
                    in.readInt64("toMillis"),
                    in.readInt64("capacity"),
                    in.readInt64("ratePerMilli"),
                    in.readInt64("generation"));
        }

        @Override
        public void write(CompactWriter out, DemandSample d) {
            out.writeInt64("attempted", d.attempted());
            out.writeInt64("granted", d.granted());
            out.writeInt64("fromMillis", d.fromMillis());
            out.writeInt64("toMillis", d.toMillis());
            out.writeInt64("capacity", d.capacity());
            out.writeInt64("ratePerMilli", d.ratePerMilli());
            out.writeInt64("generation", d.generation());
        }

        @Override
        public String getTypeName() {
            return "tokenplane.DemandSample";
        }

        @Override
        public Class<DemandSample> getCompactClass() {
            return DemandSample.class;
        }
    }

    private static void writeCommon(CompactWriter out, AcquireResult r) {
        out.writeInt64("tokens", r.tokens());
        out.writeInt64("remaining", r.remaining());
        out.writeInt64("capacity", r.capacity());
        out.writeInt64("ratePerMilli", r.ratePerMilli());
    }
}
