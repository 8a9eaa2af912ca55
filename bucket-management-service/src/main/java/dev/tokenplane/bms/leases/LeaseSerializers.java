package dev.tokenplane.bms.leases;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import java.util.List;

/**
 * Compact serializers for the ledger's keys and values. Type names are stable: renaming one breaks a rolling upgrade.
 */
final class LeaseSerializers {
    private LeaseSerializers() {}

    static List<CompactSerializer<?>> all() {
        return List.of(new KeySerializer(), new LeaseSerializer());
    }

    /** One value of each type above, for their schemas: the fields written are the same for every value. */
    static List<Object> samples() {
        return List.of(new LeaseKey("lease", "bucket"), new Lease("client", 1, 0));
    }

    static final class KeySerializer implements CompactSerializer<LeaseKey> {
        @Override
        public LeaseKey read(CompactReader in) {
            return new LeaseKey(in.readString("id"), in.readString("bucketKey"));
        }

        @Override
        public void write(CompactWriter out, LeaseKey key) {
            out.writeString("id", key.id());
            out.writeString("bucketKey", key.bucketKey());
        }

        @Override
        public String getTypeName() {
            return "tokenplane.LeaseKey";
        }

        @Override
        public Class<LeaseKey> getCompactClass() {
            return LeaseKey.class;
        }
    }

    static final class LeaseSerializer implements CompactSerializer<Lease> {
        @Override
        public Lease read(CompactReader in) {
            return new Lease(in.readString("clientId"), in.readInt64("tokens"), in.readInt64("expiresAt"));
        }

        @Override
        public void write(CompactWriter out, Lease lease) {
            out.writeString("clientId", lease.clientId());
            out.writeInt64("tokens", lease.tokens());
            out.writeInt64("expiresAt", lease.expiresAt());
        }

        @Override
        public String getTypeName() {
            return "tokenplane.Lease";
        }

        @Override
        public Class<Lease> getCompactClass() {
            return Lease.class;
        }
    }
}
