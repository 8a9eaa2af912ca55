package dev.tokenplane.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {
    @Test
    void shouldHandOutBindablePortsBelowTheEphemeralRange() throws Exception {
        for (int i = 0; i < 50; i++) {
            int port = LoopbackPorts.free();

            assertThat(port).isBetween(LoopbackPorts.LOWEST, LoopbackPorts.ephemeralStart() - 1);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        }
    }
}
