package dev.tokenplane.agent;

import static dev.tokenplane.agent.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.agents.AgentState;
import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent reporting to a real BMS that serves HTTPS with a certificate made in the test. */
class AgentTlsTest {
    private static final String AGENT_TOKEN = "agent-token-for-the-tls-bms-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private SelfSignedCertificate certificate;
    private BmsNode bms;
    private AgentRunner trusting;
    private AgentRunner untrusting;

    @BeforeEach
    void startBms() throws Exception {
        certificate = SelfSignedCertificate.create("localhost");
        bms = TestBms.start(Map.of(
                "BMS_AGENT_TOKEN",
                AGENT_TOKEN,
                "BMS_TLS_CERT_FILE",
                certificate.certificatePath(),
                "BMS_TLS_KEY_FILE",
                certificate.privateKeyPath()));
    }

    @AfterEach
    void stopAll() {
        for (AgentRunner a : new AgentRunner[] {trusting, untrusting}) {
            if (a != null) {
                a.close();
            }
        }
        bms.stop();
        certificate.delete();
    }

    private boolean reported(String serverId) {
        return bms.agents().all().stream().map(AgentState::serverId).anyMatch(serverId::equals);
    }

    @Test
    void shouldReportOverHttpsWithTheCaFileAndNotWithoutIt() throws Exception {
        String url = "https://localhost:" + bms.port();
        trusting = AgentRunner.start(AgentConfig.builder()
                .serverId("tls-trusting")
                .bmsUrls(url)
                .bmsToken(AGENT_TOKEN)
                .intervalMillis(200)
                .port(0)
                .set(AgentSetting.BMS_CA_FILE, certificate.certificatePath())
                .build());
        untrusting = AgentRunner.start(AgentConfig.builder()
                .serverId("tls-untrusting")
                .bmsUrls(url)
                .bmsToken(AGENT_TOKEN)
                .intervalMillis(200)
                .port(0)
                .build());

        await(WAIT, "a report over HTTPS", () -> reported("tls-trusting"));
        // the agent without the CA file fails its handshakes: its reports wait in its buffer, backing off
        await(
                WAIT,
                "the untrusting agent backing off",
                () -> untrusting.reporter().backoffMillis() > 0);
        assertThat(reported("tls-untrusting")).isFalse();
        assertThat(untrusting.reporter().lastSentAtMillis()).isEqualTo(-1);
    }

    @Test
    void shouldRefuseACaFileThatIsNotPem() throws Exception {
        Path junk = Files.writeString(Files.createTempFile("ca", ".pem"), "not a certificate");

        assertThatThrownBy(() -> AgentConfig.builder()
                        .set(AgentSetting.BMS_CA_FILE, junk.toString())
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("AGENT_BMS_CA_FILE (--bms-ca-file) must be a PEM file of certificates");
        assertThatThrownBy(() -> AgentConfig.builder()
                        .set(AgentSetting.BMS_CA_FILE, "/nope/ca.pem")
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("readable PEM file");
    }
}
