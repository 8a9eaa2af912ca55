package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.SharedBms;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Secrets never reach the logs: the log output of this JVM is captured from before the shared member starts (it
 * generates its admin token), through requests that carry right and wrong tokens, to here.
 */
class SecretsInLogsTest {

    @Test
    void shouldWriteTheGeneratedTokenWithMode600AndNeverLogIt() throws Exception {
        SharedBms bms = SharedBms.get();
        Api api = bms.api;
        String token = bms.node.adminToken();

        // Given traffic with the right tokens, wrong ones, and a failing request
        api.get("/v1/rules");
        api.send("GET", "/v1/rules", null, false, "Authorization", "Bearer " + token + "x");
        api.send(
                "POST",
                "/v1/agents/sl-1/reports",
                Map.of("cpu", 0.5),
                false,
                "Authorization",
                "Bearer " + SharedBms.AGENT_TOKEN);
        api.send(
                "POST",
                "/v1/agents/sl-1/reports",
                Map.of("cpu", 5),
                false,
                "Authorization",
                "Bearer " + SharedBms.AGENT_TOKEN);

        // Then the token file is the token, readable by its owner only
        Path file = bms.node.adminTokenFile();
        assertThat(file).isNotNull();
        assertThat(Files.readString(file, StandardCharsets.US_ASCII).trim()).isEqualTo(token);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(token).hasSizeGreaterThanOrEqualTo(40); // 32 random bytes, base64url

        // And no log line holds a secret, while the file's path was logged or printed for the operator
        List<String> lines = bms.logs.lines();
        assertThat(lines).isNotEmpty();
        assertThat(lines).noneMatch(l -> l.contains(token));
        assertThat(lines).noneMatch(l -> l.contains(SharedBms.AGENT_TOKEN));
        assertThat(lines).noneMatch(l -> l.contains(bms.clusterSecret));
        assertThat(lines).anyMatch(l -> l.contains(file.toString()));
    }
}
