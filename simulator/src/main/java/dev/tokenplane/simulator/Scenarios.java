package dev.tokenplane.simulator;

import dev.tokenplane.sizing.AdaptiveSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * The scenarios of the report. Every bucket uses the same rule: min 10, max 400 tokens, refill = capacity per second,
 * and the adaptive settings of the rule example in docs/http-api.md (thresholds 0.8 / 0.3, factors 1.5 / 0.8).
 */
public final class Scenarios {

    static final Scenario.Rule RULE = new Scenario.Rule(10, 400, AdaptiveSettings.defaults());
    static final double BASE_LATENCY_MS = 20;

    private Scenarios() {}

    public static List<Scenario> all() {
        return List.of(
                step(),
                ramp(),
                sine(),
                spike(),
                slowdown(),
                skew(),
                agentOutage(),
                stepBy14(),
                ioBound(),
                dailyCycle(),
                priorityMix(),
                regionOutage());
    }

    /** The class mix of {@link #priorityMix()}. */
    static final Scenario.ClassMix PRIORITY_MIX = new Scenario.ClassMix(0.10, 0.20, 0.40, 0.30);

    /** Three times more demand than the server can take, from four request classes. */
    static Scenario priorityMix() {
        return new Scenario(
                "priority",
                "Priority mix under 3× overload",
                "Demand 300 r/s on a server of 100 r/s (3× overload) from t = 0 to the end; each request carries a"
                        + " class: critical 10 %, high 20 %, normal 40 %, low 30 %. Ours admits a class only if what"
                        + " remains in the bucket after the take is at least the class's reserve (critical 0, high"
                        + " 0.05, normal 0.10, low 0.20 of the capacity); the baselines know no classes and admit first"
                        + " come, first served. Bucket starts at 100.",
                180,
                List.of(new Scenario.Lane("s1", s -> 300, steady(100), 100)),
                RULE,
                List.of(),
                List.of(new Scenario.Window(30, 180)),
                tick -> true,
                PRIORITY_MIX,
                false);
    }

    /** The tick at which {@link #regionOutage()}'s region loses servers. */
    static final int REGION_OUTAGE_TICK = 80;

    /** Three regions in one pool; one of them loses most of its servers. */
    static Scenario regionOutage() {
        Scenario.ServerConditions healthy = new Scenario.ServerConditions(200, BASE_LATENCY_MS);
        Scenario.ServerConditions crippled = new Scenario.ServerConditions(90, BASE_LATENCY_MS);
        Scenario.Capacity eu = tick -> tick < REGION_OUTAGE_TICK ? healthy : crippled;
        List<Scenario.Lane> lanes = new ArrayList<>();
        for (String region : List.of("eu", "us", "ap")) {
            for (String server : List.of("a", "b")) {
                lanes.add(new Scenario.Lane(
                        region + "-" + server, s -> 120, region.equals("eu") ? eu : tick -> healthy, 150, 0, region));
            }
        }
        return new Scenario(
                "region",
                "Region outage with cross-region borrowing",
                "Three regions (eu, us, ap) with two server groups each, every group of 200 r/s behind its own"
                        + " bucket, all six buckets in one pool: a bucket short of tokens borrows from the others, its"
                        + " own region first, other regions only for what its region cannot lend (the BMS's transfer"
                        + " planner, reserve 0.1). Demand 120 r/s per group throughout. At t = "
                        + REGION_OUTAGE_TICK
                        + " s eu loses most of its servers: both eu groups drop to 90 r/s while their users keep coming."
                        + " Buckets start at 150. Chart: eu-a.",
                240,
                lanes,
                RULE,
                List.of(REGION_OUTAGE_TICK),
                phases(List.of(0, REGION_OUTAGE_TICK), 240, 20),
                tick -> true,
                Scenario.ClassMix.NONE,
                true);
    }

    /** The day of {@link #dailyCycle()}, in ticks. */
    static final int DAY_TICKS = 120;

    /** A 1.4× step, 100 -> 140 r/s, on a server with room: the settle time the report quotes. */
    static Scenario stepBy14() {
        return new Scenario(
                "step14",
                "Step ×1.4 (100 → 140 r/s)",
                "Demand steps from 100 to 140 r/s at t = 60 s. Server: 300 r/s, so the step fits. Bucket starts at"
                        + " 120.",
                180,
                List.of(new Scenario.Lane("s1", s -> s < 60 ? 100 : 140, steady(300), 120)),
                RULE,
                List.of(60),
                phases(List.of(0, 60), 180, 15),
                tick -> true);
    }

    /** An I/O-bound server: its disk saturates while its CPU idles. */
    static Scenario ioBound() {
        Scenario.ServerConditions disk = new Scenario.ServerConditions(200, BASE_LATENCY_MS, true);
        return new Scenario(
                "iobound",
                "I/O-bound server",
                "Demand 120 r/s, rising to 260 r/s at t = 60 s. The server's disk completes 200 r/s; its CPU does"
                        + " a tenth of the disk's work, so it stays under 0.25 while the disk saturates. Its agent"
                        + " reports diskBusy. Bucket starts at 150.",
                240,
                List.of(new Scenario.Lane("s1", s -> s < 60 ? 120 : 260, tick -> disk, 150)),
                RULE,
                List.of(60),
                phases(List.of(0, 60), 240, 20),
                tick -> true);
    }

    /**
     * A daily cycle, a "day" of {@link #DAY_TICKS} ticks: a quiet base and a peak in the afternoon, with noise on
     * every tick's rate.
     */
    static Scenario dailyCycle() {
        Scenario.Demand demand = s -> {
            double phase = (s % DAY_TICKS) / DAY_TICKS;
            double peak = Math.max(0, Math.cos(2 * Math.PI * (phase - 0.6))); // one peak, half a day wide, at 0.6
            return 60 + 160 * peak;
        };
        return new Scenario(
                "daily",
                "Daily cycle with noise",
                "Four \"days\" of " + DAY_TICKS + " s: 60 r/s at night and a peak of 220 r/s in the afternoon,"
                        + " rising over a quarter of a day; each second's rate carries ±10 % noise (σ 0.1). Server:"
                        + " 250 r/s. Bucket starts at 100.",
                4 * DAY_TICKS,
                List.of(new Scenario.Lane("s1", demand, steady(250), 100, 0.1)),
                RULE,
                List.of(),
                List.of(),
                tick -> true);
    }

    /** Demand steps 50 -> 90 -> 200 -> 100 r/s, a minute each, on a server with room for all of it. */
    static Scenario step() {
        Scenario.Demand demand = s -> s < 60 ? 50 : s < 120 ? 90 : s < 180 ? 200 : 100;
        return new Scenario(
                "step",
                "Step 50 → 90 → 200 → 100 r/s",
                "Demand steps 50 → 90 → 200 → 100 r/s, 60 s each. Server: 300 r/s, so every step fits"
                        + " (CPU ≈ 0.69 at 200 r/s). Bucket starts at 100.",
                240,
                List.of(new Scenario.Lane("s1", demand, steady(300), 100)),
                RULE,
                List.of(60, 120, 180),
                phases(List.of(0, 60, 120, 180), 240, 15),
                tick -> true);
    }

    /** Demand ramps 20 -> 300 r/s over 5 minutes, past what the 250 r/s server can take well. */
    static Scenario ramp() {
        Scenario.Demand demand = s -> 20 + 280 * Math.min(1, s / 300);
        return new Scenario(
                "ramp",
                "Ramp 20 → 300 r/s",
                "Demand ramps linearly from 20 to 300 r/s over 300 s. Server: 250 r/s, so the top of the ramp is"
                        + " more than it can serve within the SLO. Bucket starts at 50.",
                300,
                List.of(new Scenario.Lane("s1", demand, steady(250), 50)),
                RULE,
                List.of(),
                List.of(),
                tick -> true);
    }

    /** Demand swings 40..220 r/s with a two-minute period. */
    static Scenario sine() {
        Scenario.Demand demand = s -> 130 + 90 * Math.sin(2 * Math.PI * s / 120);
        return new Scenario(
                "sine",
                "Sine 40 ↔ 220 r/s",
                "Demand 130 + 90·sin(2πt/120 s) r/s, three periods. Server: 250 r/s. Bucket starts at 130.",
                360,
                List.of(new Scenario.Lane("s1", demand, steady(250), 130)),
                RULE,
                List.of(),
                List.of(),
                tick -> true);
    }

    /** A 10x spike for 5 s on a steady 60 r/s. */
    static Scenario spike() {
        Scenario.Demand demand = s -> s >= 90 && s < 95 ? 600 : 60;
        return new Scenario(
                "spike",
                "10× spike for 5 s",
                "Demand 60 r/s with a spike to 600 r/s from t = 90 s to 95 s. Server: 200 r/s. Bucket starts at 100.",
                180,
                List.of(new Scenario.Lane("s1", demand, steady(200), 100)),
                RULE,
                List.of(90, 95),
                List.of(new Scenario.Window(15, 90), new Scenario.Window(110, 180)),
                tick -> true);
    }

    /** The backend slows down for 90 s: latency x2, and each request costs more CPU. */
    static Scenario slowdown() {
        Scenario.Capacity server = tick -> tick >= 60 && tick < 150
                ? new Scenario.ServerConditions(250 * 0.55, BASE_LATENCY_MS * 2)
                : new Scenario.ServerConditions(250, BASE_LATENCY_MS);
        return new Scenario(
                "slowdown",
                "Backend slowdown",
                "Demand steady at 150 r/s. Server: 250 r/s; from t = 60 s to 150 s its backend slows down: base"
                        + " latency ×2 (20 → 40 ms) and each request costs more CPU (capacity 250 → 137 r/s)."
                        + " Bucket starts at 200 (sized for the healthy server).",
                240,
                List.of(new Scenario.Lane("s1", s -> 150, server, 200)),
                RULE,
                List.of(60, 150),
                phases(List.of(0, 60, 150), 240, 15),
                tick -> true);
    }

    /** Skewed traffic over four equal servers; the hot spot moves half-way. */
    static Scenario skew() {
        double total = 320;
        double[][] shares = {{0.50, 0.25, 0.15, 0.10}, {0.10, 0.50, 0.25, 0.15}};
        List<Scenario.Lane> lanes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            final int server = i;
            Scenario.Demand demand = s -> total * shares[s < 150 ? 0 : 1][server];
            lanes.add(new Scenario.Lane("s" + (i + 1), demand, steady(150), 100));
        }
        return new Scenario(
                "skew",
                "Skewed traffic across 4 servers",
                "320 r/s over four servers of 150 r/s each, split 50/25/15/10 %; at t = 150 s the hot spot moves"
                        + " to s2 (10/50/25/15 %). Each server has its own bucket, all starting at 100. Chart: s1.",
                300,
                lanes,
                RULE,
                List.of(150),
                phases(List.of(0, 150), 300, 20),
                tick -> true);
    }

    /** The agent stops reporting for 80 s, and demand rises while it is away. */
    static Scenario agentOutage() {
        Scenario.Demand demand = s -> s < 80 ? 100 : 240;
        return new Scenario(
                "outage",
                "Agent outage",
                "Demand 100 r/s, rising to 240 r/s at t = 80 s. Server: 200 r/s. The agent's reports stop from"
                        + " t = 60 s to 140 s, so the BMS sizes blind in between. Bucket starts at 150.",
                240,
                List.of(new Scenario.Lane("s1", demand, steady(200), 150)),
                RULE,
                List.of(80),
                List.of(new Scenario.Window(15, 60), new Scenario.Window(160, 240)),
                tick -> tick < 60 || tick >= 140);
    }

    private static Scenario.Capacity steady(double capacityPerSecond) {
        Scenario.ServerConditions conditions = new Scenario.ServerConditions(capacityPerSecond, BASE_LATENCY_MS);
        return tick -> conditions;
    }

    /** For phases starting at {@code starts} and ending at {@code end}: each phase minus its first {@code warmup}. */
    private static List<Scenario.Window> phases(List<Integer> starts, int end, int warmup) {
        List<Scenario.Window> windows = new ArrayList<>();
        for (int i = 0; i < starts.size(); i++) {
            int to = i + 1 < starts.size() ? starts.get(i + 1) : end;
            windows.add(new Scenario.Window(starts.get(i) + warmup, to));
        }
        return windows;
    }
}
