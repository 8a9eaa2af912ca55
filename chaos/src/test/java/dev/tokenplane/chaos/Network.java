package dev.tokenplane.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Where the members live on the network. {@link #loopback()}: every member on 127.0.0.1 with ports of its own (no
 * partition possible). {@link #namespaces(int)}: each member in a network namespace of its own with two links, one to
 * a <em>member</em> bridge that carries only Hazelcast traffic and one to a <em>client</em> bridge that the load
 * generator (this JVM, in the root namespace) reaches it through. Cutting a member's member link partitions it from
 * the other members while its clients still reach it, as when a switch between racks fails. (This kernel has no
 * {@code netem} or {@code prio} qdisc, so the cut is a link going down rather than {@code tc} loss.)
 */
abstract class Network implements AutoCloseable {

    /** The address a member's HTTP listener and its Hazelcast member bind to, and how to start a process there. */
    record Place(String httpHost, String memberHost, List<String> commandPrefix) {}

    abstract Place place(int member);

    /** Whether {@link #cut} can partition a member. */
    abstract boolean canPartition();

    /** Cuts the member off from every other member (a 2|1 partition of three). */
    abstract void cut(int member);

    /** Undoes {@link #cut}. */
    abstract void heal(int member);

    @Override
    public abstract void close();

    static Network loopback() {
        return new Network() {
            @Override
            Place place(int member) {
                return new Place("127.0.0.1", "127.0.0.1", List.of());
            }

            @Override
            boolean canPartition() {
                return false;
            }

            @Override
            void cut(int member) {
                throw new UnsupportedOperationException("no partition on loopback");
            }

            @Override
            void heal(int member) {
                throw new UnsupportedOperationException("no partition on loopback");
            }

            @Override
            public void close() {}
        };
    }

    /** Namespaces and bridges for {@code members} members; an IOException says why this machine does not allow them. */
    static Namespaces namespaces(int members) throws IOException, InterruptedException {
        return new Namespaces(members);
    }

    /** Three links per member, named {@code tpc<id><role><member>} (at most 15 characters, as Linux requires). */
    static final class Namespaces extends Network {
        private final String id = Integer.toString(ThreadLocalRandom.current().nextInt(10_000, 100_000));
        private final int subnet = ThreadLocalRandom.current().nextInt(16, 250);
        private final List<String> created = new ArrayList<>();

        private Namespaces(int members) throws IOException, InterruptedException {
            try {
                bridge("m", null);
                bridge("c", clientAddress(0));
                for (int m = 1; m <= members; m++) {
                    String ns = namespace(m);
                    run("ip", "netns", "add", ns);
                    created.add("netns:" + ns);
                    run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
                    link(m, "m", memberAddress(m));
                    link(m, "c", clientAddress(m));
                }
            } catch (IOException | RuntimeException | InterruptedException e) {
                close();
                throw e;
            }
        }

        private String namespace(int member) {
            return "tpc" + id + "n" + member;
        }

        private String memberAddress(int member) {
            return "10.214." + subnet + "." + (10 + member);
        }

        /** 0 is the root namespace's address on the client bridge (the load generator). */
        private String clientAddress(int member) {
            return "10.215." + subnet + "." + (member == 0 ? 1 : 10 + member);
        }

        private void bridge(String role, String address) throws IOException, InterruptedException {
            String bridge = "tpc" + id + role;
            run("ip", "link", "add", bridge, "type", "bridge");
            created.add("link:" + bridge);
            if (address != null) {
                run("ip", "addr", "add", address + "/24", "dev", bridge);
            }
            run("ip", "link", "set", bridge, "up");
        }

        /** A veth pair: the host end on the role's bridge, the other end in the member's namespace. */
        private void link(int member, String role, String address) throws IOException, InterruptedException {
            String host = hostEnd(member, role);
            String inside = "tpc" + id + role.toUpperCase() + member;
            run("ip", "link", "add", host, "type", "veth", "peer", "name", inside);
            run("ip", "link", "set", inside, "netns", namespace(member));
            run("ip", "link", "set", host, "master", "tpc" + id + role);
            run("ip", "link", "set", host, "up");
            run("ip", "netns", "exec", namespace(member), "ip", "addr", "add", address + "/24", "dev", inside);
            run("ip", "netns", "exec", namespace(member), "ip", "link", "set", inside, "up");
        }

        private String hostEnd(int member, String role) {
            return "tpc" + id + role + member;
        }

        @Override
        Place place(int member) {
            return new Place(
                    clientAddress(member), memberAddress(member), List.of("ip", "netns", "exec", namespace(member)));
        }

        @Override
        boolean canPartition() {
            return true;
        }

        @Override
        void cut(int member) {
            quietly("ip", "link", "set", hostEnd(member, "m"), "down");
        }

        @Override
        void heal(int member) {
            quietly("ip", "link", "set", hostEnd(member, "m"), "up");
        }

        @Override
        public void close() {
            for (int i = created.size() - 1; i >= 0; i--) {
                String[] what = created.get(i).split(":", 2);
                try {
                    if (what[0].equals("netns")) {
                        quietly("ip", "netns", "del", what[1]);
                    } else {
                        quietly("ip", "link", "del", what[1]);
                    }
                } catch (IllegalStateException alreadyGone) {
                    // best effort: go on with the rest
                }
            }
            created.clear();
        }
    }

    /** Runs a command; fails with its output unless it exits 0 within 30 s. */
    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    static void quietly(String... command) {
        try {
            run(command);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
