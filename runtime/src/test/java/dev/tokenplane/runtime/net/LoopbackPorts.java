package dev.tokenplane.runtime.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for the processes and members that tests start, taken below the kernel's ephemeral range. A port
 * inside that range (what binding port 0 returns) can later be picked as the source port of an outgoing connection to
 * itself: a Hazelcast member that keeps reconnecting to a departed member's port then connects to itself ("Connecting
 * to self!") on every attempt, and its graceful shutdown waits out its 10-minute limit (seen in a clean-clone run).
 */
public final class LoopbackPorts {
    /** The lowest port handed out: above the well-known and most registered services' ports. */
    static final int LOWEST = 10_000;
    /** Linux's default ephemeral range starts here; used where /proc does not say. */
    private static final int DEFAULT_EPHEMERAL_START = 32_768;

    private LoopbackPorts() {}

    /** A port no socket holds now on loopback, below the ephemeral range (falls back to any free port). */
    public static int free() throws IOException {
        int end = ephemeralStart();
        for (int attempt = 0; attempt < 200 && end > LOWEST; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, end);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The first port of the kernel's ephemeral range ({@code net.ipv4.ip_local_port_range}). */
    static int ephemeralStart() {
        // read by lines: procfs reports a size of 0, and Files.readString came back with one byte of it
        try {
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .get(0)
                    .trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException notLinux) {
            return DEFAULT_EPHEMERAL_START;
        }
    }
}
