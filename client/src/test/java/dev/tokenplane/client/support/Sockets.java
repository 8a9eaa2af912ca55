package dev.tokenplane.client.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Counts TCP connections from the kernel's tables ({@code /proc/net/tcp}, {@code /proc/net/tcp6}; Linux). */
public final class Sockets {
    private Sockets() {}

    /** Established connections whose remote end is port {@code port}: the client side of connections to it. */
    public static int establishedTo(int port) throws IOException {
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        int count = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st ...; 01 is ESTABLISHED
                if (f.length > 3 && f[2].endsWith(":" + hexPort) && "01".equals(f[3])) {
                    count++;
                }
            }
        }
        return count;
    }
}
