package dev.tokenplane.store.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java serialization filter every member runs with ({@link MemberSerialization}), on two real members: a member
 * that sends a Java-serialized object (a forged value, a lambda processor) gets it refused by the member that reads
 * it, while a remote exception (which Hazelcast sends by Java serialization) still comes back as itself.
 */
class MemberSerializationTest {

    private static final String MAP = "serialization-test";
    private static final int TEST_FACTORY = 0x7E57;

    private static List<HazelcastInstance> members;

    /** A value that only Java serialization can carry. */
    record Gadget(String payload) implements Serializable {}

    @BeforeAll
    static void start() {
        members = TestMembers.startCluster(
                2,
                config ->
                        config.getSerializationConfig().addDataSerializableFactory(TEST_FACTORY, id -> new Throwing()));
    }

    @AfterAll
    static void stop() {
        members.forEach(m -> m.getLifecycleService().terminate());
    }

    @Test
    void shouldRefuseAJavaSerializedValueWhenAnotherMemberReadsIt() {
        HazelcastInstance sender = members.get(0);
        HazelcastInstance reader = members.get(1);
        String key = keyOwnedBy(reader, "value-");
        sender.getMap(MAP).set(key, new Gadget("forged"));

        assertThatThrownBy(() -> reader.getMap(MAP).get(key))
                .hasRootCauseInstanceOf(SecurityException.class)
                .rootCause()
                .hasMessageContaining(Gadget.class.getName())
                .hasMessageContaining("not allowed");
    }

    @Test
    void shouldRefuseALambdaProcessorSentToAnotherMember() {
        HazelcastInstance sender = members.get(0);
        String key = keyOwnedBy(members.get(1), "lambda-");
        IMap<String, String> map = sender.getMap(MAP);
        map.set(key, "original");
        EntryProcessor<String, String, String> lambda = entry -> entry.setValue("overwritten");

        assertThatThrownBy(() -> map.executeOnKey(key, lambda))
                .hasRootCauseInstanceOf(SecurityException.class)
                .rootCause()
                .hasMessageContaining("java.lang.invoke.SerializedLambda");
        assertThat(members.get(1).<String, String>getMap(MAP).get(key)).isEqualTo("original");
    }

    @Test
    void shouldStillCarryARemoteExceptionBackToTheCaller() {
        String key = keyOwnedBy(members.get(1), "throwing-");
        IMap<String, String> map = members.get(0).getMap(MAP);

        assertThatThrownBy(() -> map.executeOnKey(key, new Throwing()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("refused on the owner");
    }

    private static String keyOwnedBy(HazelcastInstance owner, String prefix) {
        return IntStream.range(0, 10_000)
                .mapToObj(i -> prefix + i)
                .filter(k ->
                        owner.getPartitionService().getPartition(k).getOwner().localMember())
                .findFirst()
                .orElseThrow();
    }

    /** A processor that fails on the owner, as a store processor does on a bad entry. */
    static final class Throwing implements EntryProcessor<String, String, Object>, IdentifiedDataSerializable {
        @Override
        public Object process(Map.Entry<String, String> entry) {
            throw new IllegalStateException("refused on the owner");
        }

        @Override
        public int getFactoryId() {
            return TEST_FACTORY;
        }

        @Override
        public int getClassId() {
            return 1;
        }

        @Override
        public void writeData(ObjectDataOutput out) {}

        @Override
        public void readData(ObjectDataInput in) {}
    }
}
