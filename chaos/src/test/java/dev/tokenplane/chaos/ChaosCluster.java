package dev.tokenplane.chaos;

import dev.tokenplane.runtime.net.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * Three BMS member JVMs joined by static discovery, with a shared admin token, cluster secret and
 * {@code BMS_EXPECTED_MEMBERS=3} (so a minority side refuses configuration writes), and the checks the faults wait on.
 */
final class ChaosCluster implements AutoCloseable {

    static final int SIZE = 3;
    private static final Duration POLL = Duration.ofMillis(200);

    final Network network;
    final List<Member> members = new ArrayList<>();
    final Http http;
    private final String adminToken = "chaos-admin-" + UUID.randomUUID();

    /**
     * @param dataDir where each member's data directory is, by index 1..3 (a tmpfs for the full-disk fault)
     */
    ChaosCluster(Network network, Path jar, Path work, IntFunction<Path> dataDir) throws IOException {
        this.network = network;
        this.http = new Http(adminToken, Duration.ofSeconds(3));
        boolean loopback = !network.canPartition();
        List<int[]> ports = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        for (int m = 1; m <= SIZE; m++) {
            // In a namespace of its own a member has every port to itself; on loopback each needs free ones.
            int[] p = loopback ? new int[] {freePort(), freePort()} : new int[] {8080, 5701};
            ports.add(p);
            addresses.add(network.place(m).memberHost() + ":" + p[1]);
        }
        String name = "chaos-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> env = Map.of(
                "BMS_CLUSTER_NAME",
                name,
                "BMS_CLUSTER_SECRET",
                "chaos-secret-" + UUID.randomUUID(),
                "BMS_ADMIN_TOKEN",
                adminToken,
                "BMS_CLUSTER_MEMBERS",
                String.join(",", addresses),
                "BMS_EXPECTED_MEMBERS",
                Integer.toString(SIZE),
                "BMS_SIZING_INTERVAL_MS",
                "200",
                "BMS_LOG_LEVEL",
                "warn");
        for (int m = 1; m <= SIZE; m++) {
            members.add(new Member(
                    m,
                    network.place(m),
                    ports.get(m - 1)[0],
                    ports.get(m - 1)[1],
                    dataDir.apply(m),
                    work.resolve("member-" + m + ".log"),
                    env,
                    jar));
        }
    }

    Member member(int index) {
        return members.get(index - 1);
    }

    void startAll() throws IOException {
        for (Member m : members) {
            m.start(null);
        }
        awaitWhole(Member.startTimeout());
    }

    /**
     * Waits until every member answers {@code /health/ready} with 200 and sees all three members; returns the
     * seconds it took. Fails with the members' output past {@code timeout}.
     */
    double awaitWhole(Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (whole()) {
                return (System.nanoTime() - start) / 1e9;
            }
            for (Member m : members) {
                if (!m.alive()) {
                    throw new AssertionError(m + " exited:\n" + m.tail());
                }
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
        StringBuilder why = new StringBuilder("the cluster was not whole within " + timeout);
        members.forEach(m -> why.append("\n--- ")
                .append(m)
                .append(": ready ")
                .append(http.call("GET", m.url() + "/health/ready", null, false).status())
                .append(", members ")
                .append(http.metric(m.url(), "bms_cluster_members"))
                .append("\n")
                .append(m.tail()));
        throw new AssertionError(why.toString());
    }

    boolean whole() {
        for (Member m : members) {
            Http.Reply ready = http.call("GET", m.url() + "/health/ready", null, false);
            if (ready.status() != 200 || http.metric(m.url(), "bms_cluster_members") != SIZE) {
                return false;
            }
        }
        return true;
    }

    /** Stops every member with SIGTERM (all at once), then starts them all again on their data directories. */
    double restartAll() throws IOException, InterruptedException {
        for (Member m : members) {
            m.terminate();
        }
        for (Member m : members) {
            m.stopGracefully();
        }
        long start = System.nanoTime();
        for (Member m : members) {
            m.start(null);
        }
        awaitWhole(Member.startTimeout());
        return (System.nanoTime() - start) / 1e9;
    }

    private static int freePort() throws IOException {
        return LoopbackPorts.free(); // below the ephemeral range: a member never reconnects to itself
    }

    @Override
    public void close() {
        for (Member m : members) {
            if (m.alive()) {
                try {
                    m.resume();
                } catch (RuntimeException ignored) {
                    // it may have ended meanwhile
                }
                try {
                    m.kill9();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        network.close();
    }
}
