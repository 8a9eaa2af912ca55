package dev.tokenplane.bms.leases;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;

/**
 * The ledger's entry processors ({@code IdentifiedDataSerializable}, created on the receiving member by
 * {@link Factory}). {@link ReleaseLease} decides with {@link Lease#release} on the lease's owner; its backup is
 * {@link EndLease}, which removes the entry without running the decision again, so that a backup holds what the owner
 * decided (after the store's {@code StatesBackup}).
 */
final class LeaseProcessors {
    /** "TL", tokenplane leases; unique among the factories of a member (the bucket store's is 0x5450). */
    static final int FACTORY_ID = 0x544C;

    static final int RELEASE = 1;
    static final int END = 2;
    /** What {@link ReleaseLease} answers when it refused. */
    static final long REFUSED = -1;

    private LeaseProcessors() {}

    /** Creates the processors on the receiving member. */
    static final class Factory implements DataSerializableFactory {
        @Override
        public IdentifiedDataSerializable create(int classId) {
            return switch (classId) {
                case RELEASE -> new ReleaseLease();
                case END -> new EndLease();
                default -> throw new IllegalArgumentException("unknown tokenplane lease class id " + classId);
            };
        }
    }

    /**
     * Ends the lease when the caller may release it, answering the tokens to credit back (or {@link #REFUSED}). Runs on
     * the partition thread, so two releases of one lease are applied one after the other and only the first finds it.
     */
    static final class ReleaseLease implements EntryProcessor<LeaseKey, Lease, Long>, IdentifiedDataSerializable {
        private String clientId;
        private long requested;
        private long now;
        private transient boolean ended;

        ReleaseLease() {}

        ReleaseLease(String clientId, long requested, long now) {
            this.clientId = clientId;
            this.requested = requested;
            this.now = now;
        }

        @Override
        public Long process(Map.Entry<LeaseKey, Lease> entry) {
            Lease.Release r = Lease.release(entry.getValue(), clientId, requested, now);
            if (r instanceof Lease.Returned returned) {
                entry.setValue(null);
                ended = true;
                return returned.tokens();
            }
            return REFUSED;
        }

        @Override
        public EntryProcessor<LeaseKey, Lease, Long> getBackupProcessor() {
            return ended ? new EndLease() : null;
        }

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return RELEASE;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(clientId);
            out.writeLong(requested);
            out.writeLong(now);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            clientId = in.readString();
            requested = in.readLong();
            now = in.readLong();
        }
    }

    /** The backup of a release that ended its lease: remove the entry. */
    static final class EndLease implements EntryProcessor<LeaseKey, Lease, Long>, IdentifiedDataSerializable {
        @Override
        public Long process(Map.Entry<LeaseKey, Lease> entry) {
            entry.setValue(null);
            return null;
        }

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return END;
        }

        @Override
        public void writeData(ObjectDataOutput out) {}

        @Override
        public void readData(ObjectDataInput in) {}
    }
}
