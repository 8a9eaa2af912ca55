package dev.tokenplane.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real entry point in its own JVM: a bad value stops it before it starts. */
class AgentMainProcessTest {

    @Test
    void shouldExitWithCode2AndAMessageNamingTheVariable() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.tokenplane.agent.AgentMain"));
        builder.environment().put("AGENT_INTERVAL_MS", "5");
        builder.environment().put("AGENT_SERVER_ID", "web-1");

        Process process = builder.start();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(exited).isTrue();
        assertThat(process.exitValue()).isEqualTo(AgentMain.EXIT_CONFIG);
        assertThat(err).contains("load-agent: AGENT_INTERVAL_MS (--interval-ms) must be an integer in [100, 3600000]; "
                + "got '5'");
    }
}
