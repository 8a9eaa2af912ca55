package dev.tokenplane.bms.stats;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Asks one member for its {@link MemberStats}: sent to every member through an {@code IExecutorService}, it finds the
 * member's statistics in the member's user context ({@link #USER_CONTEXT_KEY}). {@code IdentifiedDataSerializable}
 * (no Java serialization), and so is its answer, written field by field.
 */
public final class StatsTask implements Callable<StatsTask.Answer>, IdentifiedDataSerializable, HazelcastInstanceAware {
    /** The user-context entry holding a {@code Supplier<MemberStats>}: the member's snapshot now. */
    public static final String USER_CONTEXT_KEY = "tokenplane.decisionStats";

    static final int FACTORY_ID = 0x5453;
    private static final int TASK = 1;
    private static final int ANSWER = 2;

    private transient HazelcastInstance member;

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Answer call() {
        Object source = member.getUserContext().get(USER_CONTEXT_KEY);
        return new Answer(source == null ? null : ((Supplier<MemberStats>) source).get());
    }

    @Override
    public int getFactoryId() {
        return FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return TASK;
    }

    @Override
    public void writeData(ObjectDataOutput out) {
        // no fields
    }

    @Override
    public void readData(ObjectDataInput in) {
        // no fields
    }

    /** A member's answer: its statistics, or null when it keeps none (still starting). */
    public static final class Answer implements IdentifiedDataSerializable {
        private MemberStats stats;

        public Answer() {}

        Answer(MemberStats stats) {
            this.stats = stats;
        }

        public MemberStats stats() {
            return stats;
        }

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return ANSWER;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws java.io.IOException {
            out.writeBoolean(stats != null);
            if (stats == null) {
                return;
            }
            out.writeLong(stats.lastSecond());
            out.writeInt(stats.counts().size());
            for (Map.Entry<String, long[]> e : stats.counts().entrySet()) {
                out.writeString(e.getKey());
                out.writeLongArray(e.getValue());
            }
            out.writeByteArray(stats.deniedKeys());
        }

        @Override
        public void readData(ObjectDataInput in) throws java.io.IOException {
            if (!in.readBoolean()) {
                return;
            }
            long lastSecond = in.readLong();
            int rules = in.readInt();
            Map<String, long[]> counts = new HashMap<>();
            for (int i = 0; i < rules; i++) {
                counts.put(in.readString(), in.readLongArray());
            }
            stats = new MemberStats(lastSecond, counts, in.readByteArray());
        }
    }

    /** Creates the task and its answer when they arrive; register it with {@link ClusterStats#configure}. */
    static final class Factory implements DataSerializableFactory {
        @Override
        public IdentifiedDataSerializable create(int typeId) {
            return switch (typeId) {
                case TASK -> new StatsTask();
                case ANSWER -> new Answer();
                default -> null;
            };
        }
    }
}
