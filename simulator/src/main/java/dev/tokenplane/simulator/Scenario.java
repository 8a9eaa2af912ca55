package dev.tokenplane.simulator;

import dev.tokenplane.sizing.AdaptiveSettings;
import dev.tokenplane.sizing.SizeLimits;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * One simulated situation: servers with their traffic, each behind its own bucket ({@code server/<id>}), for
 * {@code ticks} sizing ticks of one second.
 *
 * @param name          short id, used in file names
 * @param title         heading in the report
 * @param description   what happens, for the report
 * @param ticks         length in ticks (1 s each)
 * @param lanes         one server and its bucket each; lane 0 is the one charted
 * @param rule          the bucket rule every lane uses
 * @param events        ticks at which the situation changes in steps; settle time and overshoot are measured after each
 * @param steadyWindows tick ranges where nothing changes; steady-state oscillation is counted there
 * @param agentReports  whether the agents' reports of a tick reach the BMS
 * @param classMix      the share of each request class in every lane's demand ({@link ClassMix#NONE}: no classes)
 * @param borrowing     whether the lanes' buckets form one pool and borrow from each other when short
 */
public record Scenario(
        String name,
        String title,
        String description,
        int ticks,
        List<Lane> lanes,
        Rule rule,
        List<Integer> events,
        List<Window> steadyWindows,
        IntPredicate agentReports,
        ClassMix classMix,
        boolean borrowing) {

    public Scenario {
        lanes = List.copyOf(lanes);
        events = List.copyOf(events);
        steadyWindows = List.copyOf(steadyWindows);
    }

    /** A scenario without request classes or borrowing. */
    public Scenario(
            String name,
            String title,
            String description,
            int ticks,
            List<Lane> lanes,
            Rule rule,
            List<Integer> events,
            List<Window> steadyWindows,
            IntPredicate agentReports) {
        this(name, title, description, ticks, lanes, rule, events, steadyWindows, agentReports, ClassMix.NONE, false);
    }

    /** Whether the requests carry a {@link Priority}. */
    public boolean hasClasses() {
        return !classMix.equals(ClassMix.NONE);
    }

    /**
     * The share of each {@link Priority} in the demand; they add up to 1, or are all 0 for requests without a class.
     */
    public record ClassMix(double critical, double high, double normal, double low) {

        public static final ClassMix NONE = new ClassMix(0, 0, 0, 0);

        public ClassMix {
            double sum = critical + high + normal + low;
            if (Math.min(Math.min(critical, high), Math.min(normal, low)) < 0
                    || (sum != 0 && Math.abs(sum - 1) > 1e-9)) {
                throw new IllegalArgumentException("class shares must be >= 0 and add up to 1 (or all be 0)");
            }
        }

        /** The share of {@code priority}. */
        public double of(Priority priority) {
            return priority.pick(critical, high, normal, low);
        }
    }

    /** Offered load in requests per second at time {@code seconds}. */
    @FunctionalInterface
    public interface Demand {
        double ratePerSecond(double seconds);
    }

    /** What a server can do at a tick. */
    @FunctionalInterface
    public interface Capacity {
        ServerConditions at(int tick);
    }

    /**
     * @param capacityPerSecond requests per second the server completes with its bottleneck fully busy
     * @param baseLatencyMs     latency of a request on an idle server
     * @param diskBound         the bottleneck is the disk, not the CPU: the agent reports the busy share as
     *                          {@code diskBusy}, and the CPU stays near idle ({@link #DISK_BOUND_CPU_SHARE} of the busy
     *                          share)
     */
    public record ServerConditions(double capacityPerSecond, double baseLatencyMs, boolean diskBound) {

        /** The CPU an I/O-bound request costs, as a share of the disk time it costs. */
        public static final double DISK_BOUND_CPU_SHARE = 0.1;

        /** A CPU-bound server. */
        public ServerConditions(double capacityPerSecond, double baseLatencyMs) {
            this(capacityPerSecond, baseLatencyMs, false);
        }
    }

    /**
     * One server and its bucket.
     *
     * @param id              server id
     * @param demand          offered load
     * @param server          the server's capacity over time
     * @param initialCapacity the bucket's capacity at the start (also the fixed bucket's capacity)
     * @param demandNoise     σ of a per-tick factor {@code max(0, 1 + σ·N(0, 1))} on the demand's rate, drawn from the
     *                        seed (0: Poisson arrivals around the rate only)
     * @param region          where the server runs; borrowing prefers lenders of the same region (empty: unknown)
     */
    public record Lane(
            String id, Demand demand, Capacity server, long initialCapacity, double demandNoise, String region) {

        /** A lane in no particular region. */
        public Lane(String id, Demand demand, Capacity server, long initialCapacity, double demandNoise) {
            this(id, demand, server, initialCapacity, demandNoise, "");
        }

        /** A lane whose demand varies only by its Poisson arrivals. */
        public Lane(String id, Demand demand, Capacity server, long initialCapacity) {
            this(id, demand, server, initialCapacity, 0);
        }
    }

    /**
     * The rule of the buckets: refill per second equals the capacity (a bucket holds one second of traffic).
     */
    public record Rule(long minCapacity, long maxCapacity, AdaptiveSettings adaptive) {
        public SizeLimits limits() {
            return new SizeLimits(minCapacity, maxCapacity, 1.0);
        }
    }

    /** Ticks [from, to). */
    public record Window(int from, int to) {
        public int length() {
            return to - from;
        }

        public boolean contains(int tick) {
            return tick >= from && tick < to;
        }
    }
}
