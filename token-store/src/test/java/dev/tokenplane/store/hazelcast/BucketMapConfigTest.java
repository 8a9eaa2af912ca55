package dev.tokenplane.store.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.MetadataPolicy;
import org.junit.jupiter.api.Test;

/** What {@link HazelcastBucketStore#configure} sets on the bucket map beyond its settings. */
class BucketMapConfigTest {

    @Test
    void shouldKeepNoJsonMetadataForPackedBuckets() {
        Config config = HazelcastBucketStore.configure(new Config(), "buckets", BucketMapSettings.defaults());

        // the default (CREATE_ON_UPDATE) costs a metadata lookup per write and per scanned entry, for JSON values only
        assertThat(config.getMapConfig("buckets").getMetadataPolicy()).isEqualTo(MetadataPolicy.OFF);
    }
}
