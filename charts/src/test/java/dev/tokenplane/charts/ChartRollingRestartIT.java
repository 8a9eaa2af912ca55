package dev.tokenplane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A rolling restart of the default install's 3 members, as the StatefulSet controller does it (highest ordinal
 * first, one at a time: out of the endpoints, preStop, SIGTERM, the same data directory, ready again) under a steady
 * load of decisions and writes. No rule, no override and no acknowledged write is lost, every member that is in
 * the endpoints answers every request throughout, and the agent's reports through the BMS Service still arrive.
 */
class ChartRollingRestartIT {

    private static final long CAPACITY = 1_000_000;

    /** A request that a member in the endpoints did not answer with success. */
    record Failure(LocalPod member, String what) {}

    @Test
    void shouldLoseNothingWhileTheMembersRollOneAtATime() throws Exception {
        try (ChartRun run = ChartRun.of(RenderedChart.renderDefaults(), "cluster.local", "rolling")) {
            run.startMembers();
            for (LocalPod member : run.members) {
                ChartRun.until(
                        member + " in a cluster of 3", Duration.ofSeconds(60), () -> run.clusterSize(member) == 3);
            }
            LocalPod first = run.members.get(0);
            assertThat(run.admin(
                                    first,
                                    "PUT",
                                    "/v1/rules/roll",
                                    Map.of("match", "roll:*", "capacity", CAPACITY, "refillPerSecond", 0.001))
                            .status())
                    .isEqualTo(201);
            assertThat(run.admin(
                                    first,
                                    "PUT",
                                    "/v1/buckets/roll:pinned/override",
                                    Map.of("capacity", 7, "refillPerSecond", 0.001))
                            .status())
                    .isEqualTo(201);
            assertThat(run.call(first, "POST", "/v1/buckets/roll:pinned/acquire", "{\"tokens\":2}", Map.of())
                            .json()
                            .path("granted")
                            .asBoolean())
                    .isTrue();

            // the agent reports through the BMS Service, which follows the members' readiness
            run.startAgent();

            Queue<Failure> failures = new ConcurrentLinkedQueue<>();
            Map<String, Long> ackedRules = new ConcurrentHashMap<>();
            AtomicLong granted = new AtomicLong();
            AtomicLong sent = new AtomicLong();
            AtomicInteger writes = new AtomicInteger();
            ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
            for (int client = 0; client < 2; client++) {
                load.scheduleAtFixedRate(
                        () -> {
                            // like a client of the Service: only members in its endpoints (ready, not being deleted)
                            List<LocalPod> now = run.members.stream()
                                    .filter(LocalPod::inEndpoints)
                                    .toList();
                            LocalPod member = now.get((int) (sent.getAndIncrement() % now.size()));
                            try {
                                ChartRun.Answer d = run.call(
                                        member, "POST", "/v1/buckets/roll:load/acquire", "{\"tokens\":1}", Map.of());
                                if (d.status() != 200) {
                                    failures.add(
                                            new Failure(member, "decision answered " + d.status() + " " + d.json()));
                                } else if (d.json().path("granted").asBoolean()) {
                                    granted.incrementAndGet();
                                }
                                if (sent.get() % 50 == 0) {
                                    String id = "roll-w" + writes.incrementAndGet();
                                    ChartRun.Answer w = run.admin(
                                            member,
                                            "PUT",
                                            "/v1/rules/" + id,
                                            Map.of("match", id + ":*", "capacity", 5, "refillPerSecond", 1));
                                    if (w.status() == 201) {
                                        ackedRules.put(
                                                id, w.json().path("version").asLong());
                                    } else {
                                        failures.add(new Failure(member, "rule write answered " + w.status()));
                                    }
                                }
                            } catch (RuntimeException e) { // no answer (refused, reset, timed out), or not JSON
                                failures.add(new Failure(member, e.toString()));
                            }
                        },
                        0,
                        20,
                        TimeUnit.MILLISECONDS);
            }

            long rollStarted = System.nanoTime();
            for (int ordinal = run.members.size() - 1; ordinal >= 0; ordinal--) {
                LocalPod member = run.members.get(ordinal);
                int status = run.cluster.terminate(member);
                assertThat(status)
                        .as(member + " stops on SIGTERM within the grace period")
                        .isIn(0, 143);
                run.cluster.start(member);
                run.cluster.await(member, "readinessProbe");
                ChartRun.until(
                        member + " back in a cluster of 3", Duration.ofSeconds(60), () -> run.clusterSize(member) == 3);
            }
            load.shutdown();
            assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            long rolled = System.currentTimeMillis();
            for (LocalPod member : run.members) {
                ChartRun.until(
                        "an agent report after the roll on " + member,
                        Duration.ofSeconds(30),
                        () -> run.admin(member, "GET", "/v1/agents", null)
                                        .json()
                                        .path("agents")
                                        .get(0)
                                        .path("lastReportAt")
                                        .asLong()
                                > rolled);
            }

            System.out.printf(
                    "rolling restart of 3 members: %d s, %d decisions sent, %d granted, %d rules written%n",
                    Duration.ofNanos(System.nanoTime() - rollStarted).toSeconds(),
                    sent.get(),
                    granted.get(),
                    ackedRules.size());
            assertThat(failures)
                    .as("requests to members in the endpoints that failed")
                    .isEmpty();
            assertThat(granted.get()).as("decisions granted during the roll").isGreaterThan(100);
            assertThat(ackedRules).as("rules written during the roll").hasSizeGreaterThan(5);
            for (LocalPod member : run.members) {
                // every acknowledged decision still counts: the bucket lost no state (its refill is 0.001/s)
                JsonNode bucket =
                        run.admin(member, "GET", "/v1/buckets/roll:load", null).json();
                assertThat(bucket.path("tokens").asLong())
                        .as("tokens left on " + member)
                        .isBetween(CAPACITY - granted.get() - 1, CAPACITY - granted.get() + 1);
                assertThat(run.admin(member, "GET", "/v1/rules/servers", null).status())
                        .isEqualTo(200);
                assertThat(run.admin(member, "GET", "/v1/rules/roll", null)
                                .json()
                                .path("capacity")
                                .asLong())
                        .isEqualTo(CAPACITY);
                JsonNode pinned = run.admin(member, "GET", "/v1/buckets/roll:pinned", null)
                        .json();
                assertThat(pinned.path("override").path("capacity").asLong()).isEqualTo(7);
                assertThat(pinned.path("tokens").asLong()).isEqualTo(5);
                ackedRules.forEach((id, version) -> assertThat(run.admin(member, "GET", "/v1/rules/" + id, null)
                                .json()
                                .path("version")
                                .asLong())
                        .as(id + " on " + member)
                        .isEqualTo(version));
            }
        }
    }
}
