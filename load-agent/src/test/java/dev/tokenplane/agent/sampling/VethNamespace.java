package dev.tokenplane.agent.sampling;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A veth pair into a network namespace made by the test itself, so that traffic crosses a real non-loopback
 * interface without leaving the machine: the host end gets 169.254.N.1/30, the namespace end 169.254.N.2/30.
 * Needs root and iproute2's {@code ip}; {@link #create()} says why when it cannot.
 */
final class VethNamespace implements AutoCloseable {

    final String namespace;
    final String hostInterface;
    final String peerAddress;

    private VethNamespace(String namespace, String hostInterface, String peerAddress) {
        this.namespace = namespace;
        this.hostInterface = hostInterface;
        this.peerAddress = peerAddress;
    }

    /**
     * Makes the namespace and the pair.
     *
     * @return the pair
     * @throws IllegalStateException with the reason when this machine does not allow it
     */
    static VethNamespace create() {
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        int octet = ThreadLocalRandom.current().nextInt(1, 255);
        String ns = "tp-agent-" + suffix;
        String host = "tpa" + suffix;
        String peer = "tpb" + suffix;
        VethNamespace veth = new VethNamespace(ns, host, "169.254." + octet + ".2");
        try {
            run("ip", "netns", "add", ns);
            run("ip", "link", "add", host, "type", "veth", "peer", "name", peer);
            run("ip", "link", "set", peer, "netns", ns);
            run("ip", "addr", "add", "169.254." + octet + ".1/30", "dev", host);
            run("ip", "link", "set", host, "up");
            run("ip", "-n", ns, "addr", "add", "169.254." + octet + ".2/30", "dev", peer);
            run("ip", "-n", ns, "link", "set", peer, "up");
            return veth;
        } catch (IllegalStateException e) {
            veth.close();
            throw e;
        }
    }

    /** Deleting the namespace deletes the pair with it. */
    @Override
    public void close() {
        try {
            run("ip", "netns", "del", namespace);
        } catch (IllegalStateException ignored) {
            // nothing was made, or it is gone already
        }
        try {
            run("ip", "link", "del", hostInterface);
        } catch (IllegalStateException ignored) {
            // normally gone with the namespace
        }
    }

    private static void run(String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        try {
            Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", args) + " timed out");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", args) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", args) + " could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
