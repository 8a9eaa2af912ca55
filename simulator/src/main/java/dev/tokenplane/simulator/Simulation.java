package dev.tokenplane.simulator;

import dev.tokenplane.sizing.DemandWindow;
import dev.tokenplane.sizing.LoadSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs one algorithm on one scenario with a fake clock: tick {@code t} starts at {@code t * 1000} ms.
 *
 * <p>Each tick, for each lane: the algorithm sizes the bucket from the last tick's demand and the newest agent report;
 * then, in {@link Workload#SUB_STEPS} sub-steps, the bucket refills (refill per second = capacity), borrows from the
 * other lanes' buckets if the scenario pools them and it is short ({@link Borrowing}), and admits what its tokens allow
 * (request by request with the algorithm's {@link PriorityReserves} when requests carry a class), and the server
 * completes what its capacity allows, queueing the rest; finally the agent reports the tick's CPU, disk busy time (for
 * a disk-bound server; unknown otherwise) and latency p99 (unless the scenario has the agent down). The lanes run in
 * lock-step, so a sub-step's borrowing sees every bucket as it is. Deterministic: no clock, no threads, and every
 * random number comes from the {@link Workload}.
 */
public final class Simulation {

    public static final long TICK_MILLIS = 1000;

    private final ServerModel model;

    public Simulation(ServerModel model) {
        this.model = model;
    }

    public Run run(Scenario scenario, SizingAlgorithm algorithm, Workload workload) {
        List<LaneState> lanes = new ArrayList<>();
        for (int i = 0; i < scenario.lanes().size(); i++) {
            lanes.add(new LaneState(i, scenario, algorithm.controllerFor(scenario.rule())));
        }
        PriorityReserves reserves = algorithm.reserves();
        double dt = 1.0 / Workload.SUB_STEPS;
        for (int tick = 0; tick < scenario.ticks(); tick++) {
            long now = tick * TICK_MILLIS;
            for (LaneState lane : lanes) {
                lane.startTick(now, tick);
            }
            for (int k = 0; k < Workload.SUB_STEPS; k++) {
                int step = tick * Workload.SUB_STEPS + k;
                for (LaneState lane : lanes) {
                    lane.refill(dt, workload.arrivals(lane.index, step), scenario.hasClasses());
                }
                if (scenario.borrowing()) {
                    borrow(lanes);
                }
                for (LaneState lane : lanes) {
                    lane.admitAndServe(step, dt, scenario.hasClasses() ? reserves : null, workload);
                }
            }
            for (LaneState lane : lanes) {
                lane.endTick(tick, now, scenario, workload);
            }
        }
        return new Run(
                scenario.name(),
                algorithm.name(),
                lanes.stream().map(l -> l.trace).toList());
    }

    /** One window of the pool's transfers, planned on a snapshot of every bucket and applied to them all. */
    private static void borrow(List<LaneState> lanes) {
        List<Borrowing.Account> accounts = lanes.stream()
                .map(l -> new Borrowing.Account(
                        l.lane.id(),
                        l.lane.region(),
                        l.capacity,
                        l.tokens,
                        l.arrivals,
                        Math.max(0, l.controller.borrowLimitPerSecond() - l.borrowed)))
                .toList();
        double[] after = Borrowing.transfer(accounts);
        for (int i = 0; i < lanes.size(); i++) {
            LaneState lane = lanes.get(i);
            lane.borrowed += Math.max(0, after[i] - lane.tokens);
            lane.tokens = after[i];
        }
    }

    /** One server and its bucket while the run goes on. */
    private final class LaneState {
        final int index;
        final Scenario.Lane lane;
        final SizingAlgorithm.Controller controller;
        final LaneTrace trace;
        long capacity;
        double tokens;
        double backlog;
        double arrivals;
        DemandWindow lastDemand = DemandWindow.none();
        Optional<LoadSample> latestReport = Optional.empty();
        Scenario.ServerConditions server;
        double offered;
        double admitted;
        double completed;
        double backlogSum;
        /** Tokens borrowed so far in this tick, against the algorithm's limit per second. */
        double borrowed;

        LaneState(int index, Scenario scenario, SizingAlgorithm.Controller controller) {
            this.index = index;
            this.lane = scenario.lanes().get(index);
            this.controller = controller;
            this.trace = LaneTrace.empty(lane.id(), scenario.ticks());
            this.capacity = lane.initialCapacity();
            this.tokens = capacity;
        }

        void startTick(long now, int tick) {
            long next = controller.decide(now, new SizingAlgorithm.Observation(capacity, lastDemand, latestReport));
            if (next != capacity) {
                capacity = next;
                tokens = Math.min(tokens, capacity); // a resized bucket keeps its tokens, clamped
            }
            server = lane.server().at(tick);
            offered = 0;
            admitted = 0;
            completed = 0;
            backlogSum = 0;
            borrowed = 0;
        }

        /**
         * The sub-step's refill, at its start; with request classes it is spread over the arrivals instead (see
         * {@link #admitByClass}).
         */
        void refill(double dt, double stepArrivals, boolean spread) {
            if (!spread) {
                tokens = Math.min(capacity, tokens + capacity * dt);
            }
            arrivals = stepArrivals;
        }

        /** Admits this sub-step's arrivals (by class when {@code reserves} is given) and runs the server. */
        void admitAndServe(int step, double dt, PriorityReserves reserves, Workload workload) {
            double take;
            if (reserves == null) {
                take = Math.min(arrivals, Math.floor(tokens));
                tokens -= take;
            } else {
                take = admitByClass(step, capacity * dt, reserves, workload);
            }
            double work = backlog + take;
            double done = Math.min(work, server.capacityPerSecond() * dt);
            backlog = Math.min(work - done, server.capacityPerSecond() * model.queueSeconds());
            offered += arrivals;
            admitted += take;
            completed += done;
            backlogSum += backlog;
        }

        /**
         * Request by request in arrival order: each is admitted if its class's reserve stays in the bucket. The
         * sub-step's {@code refill} arrives in equal slices, one before each request and the last after them, as a
         * bucket refilling continuously sees requests spread over the sub-step (a refill at the start would let a
         * burst of lower classes take the tokens a critical request a few milliseconds later needs).
         */
        private double admitByClass(int step, double refill, PriorityReserves reserves, Workload workload) {
            int count = (int) arrivals;
            double slice = refill / (count + 1);
            int take = 0;
            for (int i = 0; i < count; i++) {
                tokens = Math.min(capacity, tokens + slice);
                Priority priority = workload.priority(index, step, i);
                trace.classOffered()[priority.ordinal()]++;
                if (reserves.admits(tokens, 1, capacity, priority)) {
                    tokens -= 1;
                    take++;
                    trace.classGranted()[priority.ordinal()]++;
                }
            }
            tokens = Math.min(capacity, tokens + slice);
            return take;
        }

        void endTick(int tick, long now, Scenario scenario, Workload workload) {
            double busy = completed / server.capacityPerSecond();
            double cpuBusy = server.diskBound() ? Scenario.ServerConditions.DISK_BOUND_CPU_SHARE * busy : busy;
            double cpu = clamp01(
                    model.idleCpu() + (1 - model.idleCpu()) * Math.min(1, cpuBusy) + workload.cpuNoise(index, tick));
            double diskBusy = server.diskBound() ? clamp01(busy + workload.cpuNoise(index, tick)) : Double.NaN;
            double rho = Math.min(admitted / server.capacityPerSecond(), model.maxRho());
            double meanMs = server.baseLatencyMs() / (1 - rho)
                    + backlogSum / Workload.SUB_STEPS / server.capacityPerSecond() * 1000;
            double p99 = meanMs * Math.log(100);

            trace.demand()[tick] = offered;
            trace.capacity()[tick] = capacity;
            trace.served()[tick] = admitted;
            trace.goodput()[tick] = completed * (1 - Math.exp(-model.sloMs() / meanMs));
            trace.cpu()[tick] = server.diskBound() ? diskBusy : cpu;
            trace.latencyP99()[tick] = p99;
            trace.serverCapacity()[tick] = server.capacityPerSecond();

            lastDemand = new DemandWindow(Math.round(offered), Math.round(admitted), TICK_MILLIS);
            if (scenario.agentReports().test(tick)) {
                latestReport =
                        Optional.of(new LoadSample(now + TICK_MILLIS, cpu, Double.NaN, Double.NaN, diskBusy, p99));
            }
        }
    }

    private static double clamp01(double x) {
        return Math.max(0, Math.min(1, x));
    }
}
