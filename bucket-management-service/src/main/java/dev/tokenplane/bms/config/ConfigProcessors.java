package dev.tokenplane.bms.config;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;

/**
 * The entry processors that change replicated configuration. Each runs atomically on the key's owner (and again on its
 * backup, with the same inputs, so the same outcome), which is what makes versions and {@code If-Match} exact across
 * members. Values are {@link ConfigRecord}s as JSON strings. The processors travel as
 * {@code IdentifiedDataSerializable}, created on the receiving member by {@link Factory}: members accept no Java
 * serialization.
 */
final class ConfigProcessors {
    /** "TC", tokenplane configuration; unique among the factories of a member. */
    static final int FACTORY_ID = 0x5443;

    static final int WRITE = 1;
    static final int MERGE = 2;

    private ConfigProcessors() {}

    /** Creates the processors on the receiving member. */
    static final class Factory implements DataSerializableFactory {
        @Override
        public IdentifiedDataSerializable create(int classId) {
            return switch (classId) {
                case WRITE -> new Write();
                case MERGE -> new Merge();
                default -> throw new IllegalArgumentException("unknown tokenplane config class id " + classId);
            };
        }
    }

    /** {@link Write#expectedVersion} for "no precondition". */
    static final long ANY_VERSION = -1;
    /** {@link Write#expectedVersion} for {@code If-Match: *}: the entry must exist. */
    static final long EXISTS = -2;
    /** {@link Write#expectedVersion} for a create that must not replace: the entry must not be live. */
    static final long ABSENT = -3;
    /**
     * {@link Write#expectedVersion} for "the key never held a record, not even a tombstone" (seeding from a rules file
     * must not bring back what an operator deleted).
     */
    static final long NEVER_WRITTEN = -4;
    /** The field of a body that marks it as owned by the rules file ({@code BMS_RULES_MODE=sync}). */
    static final String MANAGED_BY = "managedBy";

    /**
     * Puts or deletes one record, giving it the next version.
     *
     * @param body            the new JSON body; null to delete
     * @param expectedVersion the version the live entry must have ({@code If-Match}), {@link #EXISTS} or
     *                        {@link #ANY_VERSION}
     * @param skipIfUnchanged leave an equal live body alone (loading a rules file twice writes nothing)
     * @param now             the time of the write, from the receiving member
     * @param refuseManaged   leave a live body marked {@link #MANAGED_BY} alone (an API write when the rules file
     *                        owns its rules)
     */
    static final class Write implements EntryProcessor<String, String, String>, IdentifiedDataSerializable {
        private String body;
        private long expectedVersion;
        private boolean skipIfUnchanged;
        private long now;
        private boolean refuseManaged;

        Write() {}

        Write(String body, long expectedVersion, boolean skipIfUnchanged, long now, boolean refuseManaged) {
            this.body = body;
            this.expectedVersion = expectedVersion;
            this.skipIfUnchanged = skipIfUnchanged;
            this.now = now;
            this.refuseManaged = refuseManaged;
        }

        @Override
        public String process(Map.Entry<String, String> entry) {
            ConfigRecord current = ConfigCodec.record(entry.getValue());
            boolean live = current != null && current.live();
            if (refuseManaged && live && managed(current.body())) {
                return ConfigCodec.write(new ConfigWrite(ConfigWrite.Outcome.MANAGED, current));
            }
            if (body == null && !live) {
                return ConfigCodec.write(new ConfigWrite(ConfigWrite.Outcome.NOT_FOUND, current));
            }
            if ((expectedVersion >= 0 && (!live || current.version() != expectedVersion))
                    || (expectedVersion == EXISTS && !live)
                    || (expectedVersion == ABSENT && live)
                    || (expectedVersion == NEVER_WRITTEN && current != null)) {
                return ConfigCodec.write(new ConfigWrite(ConfigWrite.Outcome.CONFLICT, current));
            }
            if (skipIfUnchanged && live && current.body().equals(body)) {
                return ConfigCodec.write(new ConfigWrite(ConfigWrite.Outcome.UNCHANGED, current));
            }
            long version = current == null ? 1 : current.version() + 1;
            ConfigRecord next = new ConfigRecord(entry.getKey(), version, now, body == null, body);
            entry.setValue(ConfigCodec.write(next));
            ConfigWrite.Outcome outcome = body == null
                    ? ConfigWrite.Outcome.DELETED
                    : live ? ConfigWrite.Outcome.REPLACED : ConfigWrite.Outcome.CREATED;
            return ConfigCodec.write(new ConfigWrite(outcome, next, current));
        }

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return WRITE;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(body);
            out.writeLong(expectedVersion);
            out.writeBoolean(skipIfUnchanged);
            out.writeLong(now);
            out.writeBoolean(refuseManaged);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            body = in.readString();
            expectedVersion = in.readLong();
            skipIfUnchanged = in.readBoolean();
            now = in.readLong();
            refuseManaged = in.readBoolean();
        }
    }

    /** Whether a record's body is marked as owned by the rules file. */
    static boolean managed(String body) {
        return body != null && ConfigCodec.tree(body).path(MANAGED_BY).isTextual();
    }

    /** Keeps the higher version of the stored record and {@code record} (a member's disk, merged at start). */
    static final class Merge implements EntryProcessor<String, String, String>, IdentifiedDataSerializable {
        private String record;

        Merge() {}

        Merge(String record) {
            this.record = record;
        }

        @Override
        public String process(Map.Entry<String, String> entry) {
            ConfigRecord incoming = ConfigCodec.record(record);
            ConfigRecord current = ConfigCodec.record(entry.getValue());
            if (incoming.supersedes(current)) {
                entry.setValue(record);
                return record;
            }
            return entry.getValue();
        }

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return MERGE;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(record);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            record = in.readString();
        }
    }
}
