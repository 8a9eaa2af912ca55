package dev.tokenplane.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** values.schema.json rejects bad values before anything renders, the way `helm install` applies it. */
class ValuesSchemaTest {

    /** Each row: a value set with --set, and the part of Helm's schema error that names what is wrong. */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            bms.replicas                  | three        | at '/bms/replicas': got string, want integer
            bms.replicas                  | 0            | at '/bms/replicas'
            bms.httpPort                  | 70000        | at '/bms/httpPort'
            bms.hazelcastPort             | 5701.5       | at '/bms/hazelcastPort'
            bms.sizingIntervalMs          | fast         | at '/bms/sizingIntervalMs': got string, want integer
            bms.maxBodyBytes              | -1           | at '/bms/maxBodyBytes'
            bms.image.repository          | ''           | at '/bms/image/repository'
            bms.image                     | null         | at '/bms': missing property 'image'
            agent.image.repository        | null         | at '/agent/image': missing property 'repository'
            agent.image.tag               | 'has space'  | at '/agent/image/tag'
            bms.image.pullPolicy          | Sometimes    | at '/bms/image/pullPolicy'
            bms.replica                   | 3            | additional properties 'replica' not allowed
            bms.persistence.enabled       | yes-please   | at '/bms/persistence/enabled': got string, want boolean
            bms.persistence.size          | lots         | at '/bms/persistence/size'
            bms.podAntiAffinity           | sometimes    | at '/bms/podAntiAffinity'
            bms.resources.limits.memory   | much         | at '/bms/resources/limits/memory'
            bms.rules.bad\\ id.match      | x            | invalid propertyName 'bad id'
            bms.rules.free.match          | free:*       | at '/bms/rules/free': missing property 'capacity'
            bms.rules.free.capacity       | 0            | at '/bms/rules/free/capacity'
            agent.intervalMs              | 10           | at '/agent/intervalMs'
            agent.listen                  | everywhere   | at '/agent/listen'
            agent.scrapeUrl               | ftp://x      | at '/agent/scrapeUrl'
            auth.adminToken               | short        | at '/auth/adminToken'
            bms.clusterSecret             | short        | at '/bms/clusterSecret'
            networkPolicy.enabled         | maybe        | at '/networkPolicy/enabled': got string, want boolean
            networkPolicy.http.from       | everyone     | at '/networkPolicy/http/from': got string, want array
            serviceMonitor.interval       | often        | at '/serviceMonitor/interval'
            unknownTopLevelKey            | 1            | additional properties 'unknownTopLevelKey' not allowed
            agent.logLevel                | LOUD         | at '/agent/logLevel'
            agent.logFormat               | xml          | at '/agent/logFormat'
            bms.extraEnv[0].value         | x            | at '/bms/extraEnv/0': missing property 'name'
            agent.extraEnv[0].name        | 'A B'        | at '/agent/extraEnv/0/name'
            bms.extraVolumeMounts[0].name | certs        | at '/bms/extraVolumeMounts/0': missing property 'mountPath'
            bms.extraVolumes[0].name      | certs        | at '/bms/extraVolumes/0'
            agent.envFrom[0].configMap.name | x          | additional properties 'configMap' not allowed
            tests.image.tag               | ''           | at '/tests/image/tag'
            tests.decisionKey             | ''           | at '/tests/decisionKey'
            tests.apiKeySecret.name       | keys         | at '/tests/apiKeySecret/key'
            prometheusRule.denialRatioJump | 2           | at '/prometheusRule/denialRatioJump'
            prometheusRule.memberDownFor  | soon         | at '/prometheusRule/memberDownFor'
            """)
    void shouldRejectBadValues(String key, String value, String error) {
        assertThatThrownBy(() -> RenderedChart.render(t -> t.set(key, value)))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(error);
    }

    @Test
    void shouldRejectLoopbackListeningWithoutTheNodesNetwork() {
        assertThatThrownBy(() -> RenderedChart.render(t -> t.set("agent.hostNetwork", false)))
                .hasMessageContaining("at '/agent/listen': 'not' failed");
        // the same with a listen address the kubelet can reach is fine
        assertThat(RenderedChart.render(t -> t.set("agent.hostNetwork", false).set("agent.listen", "all"))
                        .kinds())
                .contains("DaemonSet");
    }

    @Test
    void shouldRejectAMissingImageGivenInAValuesFile(@TempDir Path dir) throws IOException {
        Path values = Files.writeString(dir.resolve("values.yaml"), "bms:\n  image:\n    repository: null\n");

        assertThatThrownBy(() -> RenderedChart.render(t -> t.withValuesFile(values)))
                .hasMessageContaining("/bms/image")
                .hasMessageContaining("repository");
    }

    @Test
    void shouldAcceptACompleteRuleAndARefillPerPeriod() {
        RenderedChart chart = RenderedChart.render(t -> t.set("bms.rules.free.match", "free:*")
                .set("bms.rules.free.capacity", 10)
                .set("bms.rules.free.refillPerSecond", 5)
                .set("bms.rules.free.algorithm", "LEAKY_BUCKET")
                .set("bms.rules.login.match", "login:*")
                .set("bms.rules.login.capacity", 5)
                .set("bms.rules.login.refill.tokens", 5)
                .set("bms.rules.login.refill.period", "1m"));

        assertThat(chart.get("ConfigMap", "tp-tokenplane-bms-rules").string("data", "rules.yaml"))
                .contains("free:", "match: free:*", "algorithm: LEAKY_BUCKET", "login:", "tokens: 5", "period: 1m");
    }
}
