package dev.tokenplane.bms.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import dev.tokenplane.bms.support.TestCluster;
import org.junit.jupiter.api.Test;

/** A BMS member runs half as many partition threads as Hazelcast would, unless told otherwise. */
class MemberThreadsTest {

    @Test
    void shouldStartHalfAsManyPartitionThreadsAsCpusBesideTheEventLoops() throws Exception {
        int expected = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        try (TestCluster cluster = new TestCluster(1)) {
            String instance = cluster.start(0).hazelcast().getName();

            String prefix = "hz." + instance + ".partition-operation.thread-";
            long running = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith(prefix))
                    .count();

            assertThat(running).isEqualTo(expected);
        }
    }

    @Test
    void shouldKeepAPartitionThreadCountTheConfigurationOrTheCommandLineSet() {
        Config configured = new Config().setProperty(MemberThreads.PARTITION_THREADS, "3");
        MemberThreads.besideHttp(configured, 8);
        Config unset = new Config();
        MemberThreads.besideHttp(unset, 8);

        assertThat(configured.getProperty(MemberThreads.PARTITION_THREADS)).isEqualTo("3");
        assertThat(unset.getProperty(MemberThreads.PARTITION_THREADS)).isEqualTo("4");
        assertThat(MemberThreads.partitionThreads(1)).isEqualTo(1);
        assertThat(MemberThreads.partitionThreads(2)).isEqualTo(1);
        assertThat(MemberThreads.partitionThreads(3)).isEqualTo(1);
    }
}
