package dev.tokenplane.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's chaos suite: three BMS member JVMs (the shaded jar) under load, and a schedule of faults, each measured
 * (see {@link ChaosRun}) and written to {@code chaos.md} with charts ({@link ChaosReport}).
 *
 * <p>{@code chaos.schedule=short} (the default build, about a minute, no privileges needed): kill -9 of a member and
 * its restart, and a 5 s SIGSTOP, on loopback. {@code full} ({@code -Pchaos}, a few minutes, as root): also a longer
 * SIGSTOP, a partition 2|1 between network namespaces, a member's journal on a tmpfs that fills, and a member's clock
 * 5 s ahead and 5 s behind (libfaketime). Both end with every member restarted and every acknowledged configuration
 * write read back, and assert: no token created, no acknowledged write lost, over-admission within each fault's
 * stated bound.
 *
 * <p>{@code -Dchaos.faults=clock} (comma-separated words) runs only the faults whose names contain one of them, to
 * measure one fault again without the whole schedule; give it a {@code -Dchaos.report.dir} of its own so that the
 * report of the full schedule in {@code docs/} stays whole.
 */
class ChaosIT {

    private static final String FULL_COMMAND = "mvn -B -ntp -Pchaos -pl chaos -am verify -Dtest=none "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ChaosIT -Dfailsafe.failIfNoSpecifiedTests=false";
    private static final String SPLIT_BRAIN = "split-brain.md, \"While split\"";
    private static final String EXACT = "split-brain.md, \"Other faults\": no allowance";

    private static final long MERGED_CAPACITY = 100;

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    @Test
    void faultsCreateNoTokensLoseNoAcknowledgedWriteAndStayWithinTheStatedBounds() throws Exception {
        boolean full = "full".equals(System.getProperty("chaos.schedule", "short"));
        Path jar = Path.of(System.getProperty("bms.jar", "target/service-jars/bms.jar"));
        assertThat(jar).as("the shaded BMS jar (built by the package phase)").exists();
        Path work = Files.createDirectories(Path.of(System.getProperty("chaos.work.dir", "target/chaos-work"))
                .resolve(Long.toString(System.currentTimeMillis())));

        Network network = full ? namespacesOrSkip() : Network.loopback();
        cleanup.add(network);
        Path diskOfMember2 = work.resolve("data-2");
        if (full) {
            Assumptions.assumeTrue(
                    Files.isReadable(Member.LIBFAKETIME),
                    "the full schedule needs Debian's "
                            + "libfaketime (apt-get install faketime; .ci/run installs it): " + Member.LIBFAKETIME);
            mountTmpfsOrSkip(diskOfMember2);
        }
        ChaosCluster cluster = new ChaosCluster(network, jar, work, m -> work.resolve("data-" + m));
        cleanup.add(cluster);
        cluster.startAll();
        cluster.http.admin(
                "PUT", cluster.member(1).url() + "/v1/rules/" + LoadGenerator.RULE, LoadGenerator.measuredRule());
        cluster.http.admin(
                "PUT",
                cluster.member(1).url() + "/v1/rules/merge",
                Map.of("match", "merge:*", "capacity", MERGED_CAPACITY, "refillPerSecond", 0.000001));

        LoadGenerator load = new LoadGenerator(cluster);
        cleanup.add(load);
        load.start();
        ChaosRun run = new ChaosRun(cluster, load);
        ChaosRun.pause(Duration.ofSeconds(full ? 10 : 2));

        double restart = -1;
        List<LoadGenerator.LostWrite> lost = List.of();
        try {
            for (Fault fault : selected(full ? fullSchedule(cluster, diskOfMember2, run) : shortSchedule(cluster))) {
                PhaseResult r = run.run(fault);
                System.out.printf(
                        "%s: excess %.1f within %s, pool created %d (unknown %d), recovery %.1f s%n",
                        fault.name(),
                        r.maxExcess(),
                        r.withinBound(),
                        r.poolCreated(),
                        r.poolUnknown(),
                        r.recoverySeconds());
            }
            load.close();
            run.stoppedAt = System.nanoTime();
            restart = cluster.restartAll();
            lost = load.lostWrites();
        } catch (Exception | AssertionError e) {
            run.notes.add("**The run stopped early**: "
                    + e.getMessage().lines().findFirst().orElse(""));
            for (Member m : cluster.members) { // what the members were doing, in the build's output
                System.out.println("---- the end of " + m + "'s output ----\n" + m.tail());
            }
            throw e;
        } finally {
            cluster.http.slow.forEach(w -> run.notes.add("A harness write needed more than one try: " + w));
            report(full, run, load, restart, lost);
        }

        assertThat(load.ackedAt)
                .as("configuration writes were acknowledged during the run")
                .isNotEmpty();
        assertThat(lost).as("acknowledged configuration writes lost").isEmpty();
        for (PhaseResult r : run.results) {
            assertThat(r.poolCreated())
                    .as(r.fault().name() + ": tokens created in pool transfers")
                    .isLessThanOrEqualTo(0);
            assertThat(r.poolGranted())
                    .as(r.fault().name() + ": the pool granted tokens")
                    .isPositive();
            assertThat(r.withinBound())
                    .as(r.fault().name() + ": over-admission within "
                            + r.fault().bound().describe() + ": " + r.keys())
                    .isTrue();
        }
    }

    /** The faults named by {@code chaos.faults} (words a fault's name contains), or all when it is empty. */
    private static List<Fault> selected(List<Fault> schedule) {
        List<String> words = java.util.Arrays.stream(
                        System.getProperty("chaos.faults", "").split(","))
                .map(String::trim)
                .filter(w -> !w.isEmpty())
                .toList();
        List<Fault> chosen = schedule.stream()
                .filter(f -> words.isEmpty() || words.stream().anyMatch(f.name()::contains))
                .toList();
        assertThat(chosen).as("faults matching chaos.faults=" + words).isNotEmpty();
        return chosen;
    }

    private static void report(
            boolean full, ChaosRun run, LoadGenerator load, double restart, List<LoadGenerator.LostWrite> lost)
            throws IOException {
        if (run.stoppedAt == 0) {
            run.stoppedAt = System.nanoTime();
        }
        Path reportDir = Path.of(System.getProperty("chaos.report.dir", "target/chaos-report"));
        ChaosReport.write(
                reportDir,
                run,
                new ChaosReport.Context(
                        full
                                ? FULL_COMMAND
                                : "mvn -B -ntp verify   # the short schedule, report in chaos/target/chaos-report",
                        full
                                ? "each in a network namespace of its own, joined by veth pairs to a member bridge and a client "
                                        + "bridge"
                                : "on 127.0.0.1",
                        "failure detection after 8 s without heartbeat (1 s "
                                + "heartbeats) and split-brain merge checks every 5 s, shortened from 60 s and 300 s with "
                                + "system properties so that faults of seconds split and heal within the run",
                        restart,
                        lost,
                        load.ackedAt.size()));
    }

    /** About a minute with the start: kill -9 and restart, then a SIGSTOP shorter than the failure detector. */
    private static List<Fault> shortSchedule(ChaosCluster c) {
        Member two = c.member(2);
        Member three = c.member(3);
        return List.of(
                new Fault(
                        "kill -9",
                        "kill -9 of member 2, restarted 2 s later",
                        OverAdmission.Bound.EXACT,
                        EXACT,
                        two::kill9,
                        Duration.ofSeconds(2),
                        () -> two.start(null),
                        Fault.ALL),
                new Fault(
                        "SIGSTOP 5 s",
                        "member 3 frozen 5 s (below the 8 s failure detector)",
                        OverAdmission.Bound.EXACT,
                        EXACT,
                        three::pause,
                        Duration.ofSeconds(5),
                        three::resume,
                        Fault.ALL));
    }

    private static List<Fault> fullSchedule(ChaosCluster c, Path disk, ChaosRun run) {
        Member two = c.member(2);
        Member three = c.member(3);
        OverAdmission.Bound split = new OverAdmission.Bound(2, 0);
        OverAdmission.Bound skew = new OverAdmission.Bound(1, 5);
        String skewSource = "split-brain.md, \"Other faults\": a bucket moved to a member k s ahead refills k s more";
        Path filler = disk.resolve("filler");
        List<Fault> faults = new ArrayList<>(shortSchedule(c));
        faults.set(
                0,
                new Fault(
                        "kill -9",
                        "kill -9 of member 2, restarted 10 s later",
                        OverAdmission.Bound.EXACT,
                        EXACT,
                        two::kill9,
                        Duration.ofSeconds(10),
                        () -> two.start(null),
                        Fault.ALL));
        faults.add(new Fault(
                "SIGSTOP 15 s",
                "member 3 frozen 15 s: removed by the others after 8 s, alone when it " + "wakes, merged back",
                split,
                SPLIT_BRAIN,
                three::pause,
                Duration.ofSeconds(15),
                three::resume,
                Set.of(1, 2)));
        faults.add(new Fault(
                "partition 2|1",
                "member 3's member link down 30 s (clients still reach it)",
                split,
                SPLIT_BRAIN,
                () -> splitAndSpend(c, run),
                Duration.ofSeconds(30),
                () -> c.network.heal(3),
                Set.of(1, 2),
                () -> awaitLowerCopyKept(c, run)));
        faults.add(new Fault(
                "disk full",
                "member 2's data directory, a 32 MiB tmpfs, filled for 30 s",
                OverAdmission.Bound.EXACT,
                EXACT,
                () -> fill(filler),
                Duration.ofSeconds(30),
                () -> Files.delete(filler),
                Fault.ALL));
        faults.add(new Fault(
                "clock +5 s",
                "member 3 restarted with its clock 5 s ahead (libfaketime), in the " + "cluster for 20 s",
                skew,
                skewSource,
                () -> skewed(c, three, "+5s", 5_000, run),
                Duration.ofSeconds(20),
                () -> restart(three, null),
                Fault.ALL));
        faults.add(new Fault(
                "clock -5 s",
                "member 3 restarted with its clock 5 s behind, in the cluster for 20 s",
                skew,
                skewSource,
                () -> skewed(c, three, "-5s", -5_000, run),
                Duration.ofSeconds(20),
                () -> restart(three, null),
                Fault.ALL));
        return faults;
    }

    /**
     * Cuts member 3 off, then checks split-brain protection on the real split: once it sees it lacks a majority it
     * refuses configuration writes with 503 while the majority takes them. Then spends one bucket differently on each
     * side: all of the minority's copy, 30 tokens of the majority's.
     */
    private static void splitAndSpend(ChaosCluster c, ChaosRun run) {
        c.network.cut(3);
        long cut = System.nanoTime();
        Member minority = c.member(3);
        Member majority = c.member(1);
        Map<String, Object> rule = Map.of("match", "quorum:*", "capacity", 1, "refillPerSecond", 1);
        long deadline = cut + Duration.ofSeconds(40).toNanos();
        Http.Reply refused;
        do {
            refused = c.http.call("PUT", minority.url() + "/v1/rules/quorum-minority", rule, true);
            ChaosRun.pause(Duration.ofMillis(refused.status() == 503 ? 0 : 100));
        } while (refused.status() != 503 && System.nanoTime() < deadline);
        assertThat(refused.status())
                .as("the minority's answer to a configuration write: %s", refused.body())
                .isEqualTo(503);
        Http.Reply taken;
        do { // the majority takes over the minority's partitions first
            taken = c.http.call("PUT", majority.url() + "/v1/rules/quorum-majority", rule, true);
            ChaosRun.pause(Duration.ofMillis(taken.status() == 201 ? 0 : 100));
        } while (taken.status() != 201 && System.nanoTime() < deadline);
        assertThat(taken.status())
                .as("the majority's answer to a configuration write")
                .isEqualTo(201);
        run.notes.add(String.format(
                java.util.Locale.ROOT,
                "Partition 2|1: the minority member answered "
                        + "configuration writes with 503 from %.1f s after the cut (\"%s\"); the majority took them (201).",
                (refused.answeredNanos() - cut) / 1e9,
                refused.body().path("message").asText()));
        assertThat(spend(c, minority, MERGED_CAPACITY, deadline))
                .as("the minority's copy of merge:k emptied")
                .isTrue();
        assertThat(spend(c, majority, 30, deadline))
                .as("30 tokens of the majority's copy of merge:k spent")
                .isTrue();
    }

    /** Acquires {@code tokens} of merge:k on the member until granted (a call of unknown effect is tried again). */
    private static boolean spend(ChaosCluster c, Member m, long tokens, long deadline) {
        while (System.nanoTime() < deadline) {
            Http.Reply r =
                    c.http.call("POST", m.url() + "/v1/buckets/merge:k/acquire", Map.of("tokens", tokens), false);
            if (r.status() == 200 && r.body().path("granted").asBoolean()) {
                return true;
            }
            Http.Reply bucket = c.http.get(m.url() + "/v1/buckets/merge:k");
            if (bucket.ok() && bucket.body().path("tokens").asLong() <= MERGED_CAPACITY - tokens) {
                return true; // the earlier call did apply
            }
            ChaosRun.pause(Duration.ofMillis(100));
        }
        return false;
    }

    /** After the heal, every member must hold the lower copy of merge:k (0 tokens), not the majority's 70. */
    private static void awaitLowerCopyKept(ChaosCluster c, ChaosRun run) {
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(60).toNanos();
        List<Long> seen;
        do {
            seen = c.members.stream()
                    .map(m -> c.http.admin("GET", m.url() + "/v1/buckets/merge:k", null)
                            .path("tokens")
                            .asLong())
                    .toList();
            ChaosRun.pause(Duration.ofMillis(seen.stream().allMatch(t -> t == 0) ? 0 : 200));
        } while (!seen.stream().allMatch(t -> t == 0) && System.nanoTime() < deadline);
        assertThat(seen)
                .as("merge:k on each member after the merge (minority copy 0, majority copy %d)", MERGED_CAPACITY - 30)
                .containsOnly(0L);
        run.notes.add(String.format(
                java.util.Locale.ROOT,
                "Heal: bucket merge:k (capacity %d) was emptied on the "
                        + "minority and spent by at least 30 on the majority while split; %.1f s after the cluster was "
                        + "whole again every member read %s tokens: the merge kept the lower copy.",
                MERGED_CAPACITY,
                (System.nanoTime() - start) / 1e9,
                seen));
    }

    /**
     * Restarts the member with its clock offset, waits until it is back in the cluster, and checks the offset it
     * really has: the {@code updatedAt} it stamps on a rule it writes, against this JVM's clock.
     */
    private static void skewed(ChaosCluster c, Member m, String offset, long expectedMillis, ChaosRun run)
            throws Exception {
        restart(m, offset);
        try {
            c.awaitWhole(Duration.ofSeconds(90));
        } catch (AssertionError e) {
            // Measured, not hidden: the fault then costs a member instead of a skewed one.
            String why = m.tail()
                    .lines()
                    .filter(l -> l.startsWith("bms: could not start"))
                    .reduce((a, b) -> b)
                    .orElse(e.getMessage()
                            .lines()
                            .filter(l -> l.startsWith("---"))
                            .reduce((a, b) -> a + " " + b)
                            .orElse(e.getMessage().lines().findFirst().orElse("")));
            run.notes.add("Clock " + offset + ": member 3 did not rejoin within 90 s (`"
                    + why.substring(0, Math.min(400, why.length())) + "`); it was killed and, at the end of the "
                    + "fault, started with a correct clock.");
            m.kill9();
            return;
        }
        long before = System.currentTimeMillis();
        String probe = "clock-probe-" + (expectedMillis > 0 ? "ahead" : "behind");
        long stamped = c.http.admin(
                        "PUT",
                        m.url() + "/v1/rules/" + probe,
                        Map.of("match", "clock-probe:*", "capacity", 1, "refillPerSecond", 1))
                .path("updatedAt")
                .asLong();
        long after = System.currentTimeMillis();
        long measured = stamped - (before + after) / 2;
        assertThat(measured).as(m + "'s clock offset (ms)").isBetween(expectedMillis - 1_500, expectedMillis + 1_500);
        run.notes.add("Clock " + offset + ": member 3 rejoined; the offset it stamps on a write it takes, measured "
                + "against the test's clock: " + measured + " ms.");
    }

    private static void restart(Member m, String clockOffset) throws Exception {
        m.stopGracefully();
        m.start(clockOffset);
    }

    private static void fill(Path filler) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException full) {
            // No space left on device: the fault is in place
        }
    }

    private Network namespacesOrSkip() throws InterruptedException {
        try {
            return Network.namespaces(ChaosCluster.SIZE);
        } catch (IOException e) {
            Assumptions.abort("the full chaos schedule needs network namespaces (root with CAP_NET_ADMIN and "
                    + "iproute2): " + e.getMessage());
            throw new AssertionError(e);
        }
    }

    private void mountTmpfsOrSkip(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        try {
            Network.run("mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", dir.toString());
        } catch (IOException e) {
            Assumptions.abort(
                    "the full chaos schedule needs to mount a tmpfs (root or CAP_SYS_ADMIN): " + e.getMessage());
        }
        cleanup.add(() -> Network.run("umount", "-l", dir.toString()));
    }
}
