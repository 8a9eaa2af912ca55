package dev.tokenplane.bms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.BmsProcess;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code BMS_NETWORK_TRANSPORT} on members started from the built jar: by default the listeners run on the JDK's NIO
 * selector, and {@code native} runs them on Netty's epoll transport (its native library is packaged in the jar); both
 * answer.
 */
class NetworkTransportIT {
    /** Where the jar carries the epoll library ({@code os.arch} as the JVM names it). */
    private static final Set<String> NATIVE_ARCHES = Set.of("amd64", "x86_64", "aarch64");

    @Test
    void shouldServeOnTheNativeTransportWhenToldOnLinux() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"));
        assumeTrue(NATIVE_ARCHES.contains(System.getProperty("os.arch")));
        try (BmsProcess bms = BmsProcess.start("256m", Map.of("BMS_NETWORK_TRANSPORT", "native"))) {
            assertThat(grantedOnce(bms.api())).isTrue();
            assertThat(bms.output()).contains("network transport: native (epoll)");
        }
    }

    @Test
    void shouldServeOnNioByDefault() throws Exception {
        try (BmsProcess bms = BmsProcess.start("256m", Map.of())) {
            assertThat(grantedOnce(bms.api())).isTrue();
            assertThat(bms.output())
                    .contains("network transport: nio (BMS_NETWORK_TRANSPORT=nio)")
                    .doesNotContain("network transport: native");
        }
    }

    private static boolean grantedOnce(Api api) {
        api.put("/v1/rules/transport", Map.of("match", "transport:*", "capacity", 5, "refillPerSecond", 1));
        Api.Response r = api.post("/v1/buckets/transport:a/acquire", null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("granted").asBoolean();
    }
}
