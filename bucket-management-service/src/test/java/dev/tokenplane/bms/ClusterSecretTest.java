package dev.tokenplane.bms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenplane.bms.cluster.HazelcastMember;
import dev.tokenplane.bms.support.TestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the cluster secret comes from, and the cluster name derived from it. */
class ClusterSecretTest {
    private static final String SECRET = "a-shared-cluster-secret-0123";

    @Test
    void shouldTakeTheSecretFromTheVariableOrItsFileAndRefuseItAsAFlag() throws Exception {
        Path file = Files.createTempFile("cluster-secret", "");
        Files.writeString(file, SECRET + "\n");

        BmsSettings fromVariable = BmsSettings.resolve(Map.of("BMS_CLUSTER_SECRET", SECRET)::get, Map.of());
        BmsSettings fromFile = BmsSettings.resolve(Map.of("BMS_CLUSTER_SECRET_FILE", file.toString())::get, Map.of());

        assertThat(Secrets.clusterSecret(fromVariable)).isEqualTo(SECRET);
        assertThat(Secrets.clusterSecret(fromFile)).isEqualTo(SECRET);
        // a secret variable: BmsMain refuses --cluster-secret (a command line shows in ps)
        assertThat(BmsSettings.variable("BMS_CLUSTER_SECRET").secret()).isTrue();
        assertThatThrownBy(() -> BmsSettings.resolve(
                        Map.of("BMS_CLUSTER_SECRET", SECRET, "BMS_CLUSTER_SECRET_FILE", file.toString())::get,
                        Map.of()))
                .hasMessageContaining("both set")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void shouldGenerateOneSecretPerDataDirectoryWhenNoneIsGiven() throws Exception {
        TestSettings member = TestSettings.member();
        Map<String, String> env = Map.of("BMS_DATA_DIR", member.dataDir().toString());
        BmsSettings settings = BmsSettings.resolve(env::get, Map.of());

        String first = Secrets.clusterSecret(settings);
        Path file = member.dataDir().resolve(Secrets.CLUSTER_SECRET_FILE);

        assertThat(first).matches("[A-Za-z0-9_-]{43}");
        assertThat(Secrets.clusterSecret(settings)).isEqualTo(first);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(Secrets.clusterSecret(BmsSettings.resolve(
                        Map.of("BMS_DATA_DIR", TestSettings.member().dataDir().toString())::get, Map.of())))
                .isNotEqualTo(first);
    }

    @Test
    void shouldRefuseAShortSecretWithoutRepeatingIt() {
        assertThatThrownBy(() -> BmsSettings.resolve(Map.of("BMS_CLUSTER_SECRET", "short-one")::get, Map.of()))
                .hasMessageContaining("BMS_CLUSTER_SECRET")
                .hasMessageNotContaining("short-one");
    }

    @Test
    void shouldDeriveTheClusterNameFromTheNameAndTheSecret() {
        String name = HazelcastMember.clusterName("tokenplane", SECRET);

        assertThat(name).matches("tokenplane-[0-9a-f]{32}").doesNotContain(SECRET);
        assertThat(HazelcastMember.clusterName("tokenplane", SECRET)).isEqualTo(name);
        assertThat(HazelcastMember.clusterName("tokenplane", SECRET + "x")).isNotEqualTo(name);
        assertThat(HazelcastMember.clusterName("other", SECRET)).startsWith("other-");
    }
}
