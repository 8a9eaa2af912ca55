package dev.tokenplane.charts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One port of a ClusterIP Service: a loopback TCP port that hands each new connection to the next of the Service's
 * endpoints (its pods that are ready and not being deleted), as kube-proxy balances connections.
 */
final class ServiceProxy implements AutoCloseable {

    private final ServerSocket server;
    private final Supplier<List<Integer>> endpoints;
    private final AtomicInteger next = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "service-proxy");
        t.setDaemon(true);
        return t;
    });

    /** @param endpoints the host ports of the endpoints right now */
    ServiceProxy(Supplier<List<Integer>> endpoints) throws IOException {
        this.endpoints = endpoints;
        this.server = new ServerSocket(0, 50, InetAddress.getByName(LocalPod.ADDRESS));
        threads.execute(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.execute(() -> connect(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void connect(Socket client) {
        List<Integer> ready = endpoints.get();
        if (ready.isEmpty()) {
            close(client); // no endpoints: the connection is refused
            return;
        }
        try {
            Socket upstream =
                    new Socket(LocalPod.ADDRESS, ready.get(Math.floorMod(next.getAndIncrement(), ready.size())));
            threads.execute(() -> pump(client, upstream));
            pump(upstream, client);
        } catch (IOException e) {
            close(client);
        }
    }

    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException ended) {
            // either side closed
        } finally {
            close(from);
            close(to);
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        threads.shutdownNow();
    }
}
