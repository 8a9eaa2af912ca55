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
 * then, in {@link Workload#SUB_STEPS} sub-steps, the bucket refills (refill per second = capacity) and admits what
 * its tokens allow, and the server completes what its capacity allows, queueing the rest; finally the agent reports
 * the tick's CPU, disk busy time (for a disk-bound server; unknown otherwise) and latency p99 (unless the scenario has
 * the agent down). Deterministic: no clock, no threads, and
 * every random number comes from the {@link Workload}.
 */
public final class Simulation {

    public static final long TICK_MILLIS = 1000;

    private final ServerModel model;

    public Simulation(ServerModel model) {
        this.model = model;
    }

    public Run run(Scenario scenario, SizingAlgorithm algorithm, Workload workload) {
        List<LaneTrace> traces = new ArrayList<>();
        for (int lane = 0; lane < scenario.lanes().size(); lane++) {
            traces.add(runLane(scenario, lane, algorithm.controllerFor(scenario.rule()), workload));
        }
        return new Run(scenario.name(), algorithm.name(), traces);
    }

    private LaneTrace runLane(
            Scenario scenario, int laneIndex, SizingAlgorithm.Controller controller, Workload workload) {
        Scenario.Lane lane = scenario.lanes().get(laneIndex);
        LaneTrace trace = LaneTrace.empty(lane.id(), scenario.ticks());
        double dt = 1.0 / Workload.SUB_STEPS;
        long capacity = lane.initialCapacity();
        double tokens = capacity;
        double backlog = 0;
        DemandWindow lastDemand = DemandWindow.none();
        Optional<LoadSample> latestReport = Optional.empty();

        for (int tick = 0; tick < scenario.ticks(); tick++) {
            long now = tick * TICK_MILLIS;
            long next = controller.decide(now, new SizingAlgorithm.Observation(capacity, lastDemand, latestReport));
            if (next != capacity) {
                capacity = next;
                tokens = Math.min(tokens, capacity); // a resized bucket keeps its tokens, clamped
            }
            Scenario.ServerConditions server = lane.server().at(tick);
            double perStep = server.capacityPerSecond() * dt;
            double offered = 0;
            double admitted = 0;
            double completed = 0;
            double backlogSum = 0;
            for (int k = 0; k < Workload.SUB_STEPS; k++) {
                double arrivals = workload.arrivals(laneIndex, tick * Workload.SUB_STEPS + k);
                tokens = Math.min(capacity, tokens + capacity * dt);
                double take = Math.min(arrivals, Math.floor(tokens));
                tokens -= take;
                double work = backlog + take;
                double done = Math.min(work, perStep);
                backlog = Math.min(work - done, server.capacityPerSecond() * model.queueSeconds());
                offered += arrivals;
                admitted += take;
                completed += done;
                backlogSum += backlog;
            }
            double busy = completed / server.capacityPerSecond();
            double cpuBusy = server.diskBound() ? Scenario.ServerConditions.DISK_BOUND_CPU_SHARE * busy : busy;
            double cpu = clamp01(model.idleCpu()
                    + (1 - model.idleCpu()) * Math.min(1, cpuBusy)
                    + workload.cpuNoise(laneIndex, tick));
            double diskBusy = server.diskBound() ? clamp01(busy + workload.cpuNoise(laneIndex, tick)) : Double.NaN;
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

            lastDemand = new DemandWindow(Math.round(offered), Math.round(admitted), TICK_MILLIS);
            if (scenario.agentReports().test(tick)) {
                latestReport =
                        Optional.of(new LoadSample(now + TICK_MILLIS, cpu, Double.NaN, Double.NaN, diskBusy, p99));
            }
        }
        return trace;
    }

    private static double clamp01(double x) {
        return Math.max(0, Math.min(1, x));
    }
}
