package dev.tokenplane.bms.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.TestCluster;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} of each member of a 2-member cluster: {@code bms_buckets} is the member's own share of the buckets
 * (what its partitions hold), so the sum over the members is the cluster's count; and the JVM, process and Hazelcast
 * binders' series are there.
 */
class MemberMetricsTest {
    private static final int BUCKETS = 200;

    private static double sample(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + series + " in /metrics");
    }

    @Test
    void shouldReportEachMembersOwnBucketsAndTheBindersSeries() throws Exception {
        try (TestCluster cluster = new TestCluster(2)) {
            cluster.start(0);
            cluster.start(1);
            for (int i = 0; i < BUCKETS; i++) { // the bundled "free" rule matches free:*
                assertThat(cluster.api(i % 2)
                                .post("/v1/buckets/free:mm-" + i + "/acquire", "{}")
                                .status())
                        .isEqualTo(200);
            }
            cluster.awaitClusterSafe();

            double sum = 0;
            for (int m = 0; m < 2; m++) {
                Api api = cluster.api(m);
                String metrics = api.getAnonymous("/metrics").body();
                double buckets = sample(metrics, "bms_buckets");
                int owned = cluster.node(m)
                        .hazelcast()
                        .getMap("tp.buckets")
                        .localKeySet()
                        .size();

                assertThat(buckets)
                        .as("member %d", m)
                        .isEqualTo(owned)
                        .isGreaterThan(0)
                        .isLessThan(BUCKETS);
                sum += buckets;
                assertThat(sample(metrics, "bms_cluster_members")).isEqualTo(2);
                assertThat(sample(metrics, "cache_size{cache=\"tp.buckets\"}")).isEqualTo(owned);
                for (String series : List.of(
                        "jvm_memory_used_bytes{",
                        "jvm_gc_",
                        "jvm_threads_live_threads ",
                        "jvm_classes_loaded_classes ",
                        "process_cpu_usage ",
                        "system_cpu_count ",
                        "process_uptime_seconds ",
                        "process_start_time_seconds ",
                        "process_files_open_files ",
                        "cache_gets_total{",
                        "cache_entries{cache=\"tp.buckets\",ownership=\"backup\"}")) {
                    assertThat(metrics).as("member %d has %s", m, series).contains("\n" + series);
                }
            }
            assertThat(sum).isEqualTo(BUCKETS);
        }
    }
}
