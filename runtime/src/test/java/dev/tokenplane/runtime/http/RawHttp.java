package dev.tokenplane.runtime.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Raw HTTP/1.x exchanges for the tests of the servers that install {@link MalformedBodies}: bytes no HTTP client would
 * send (a broken chunked body), on a socket of their own.
 */
public final class RawHttp {
    /** How long a read may wait: a server that keeps the connection open fails the test here, it does not hang it. */
    private static final int READ_DEADLINE_MS = 10_000;

    private RawHttp() {}

    /** Sends {@code request} to loopback {@code port} on a new connection and reads until the server closes it. */
    public static String exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(READ_DEADLINE_MS);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) >= 0; ) {
                all.write(buf, 0, n);
            }
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
