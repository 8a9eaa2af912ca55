package dev.tokenplane.simulator;

import dev.tokenplane.sizing.DampingConfig;
import dev.tokenplane.sizing.Forecaster;
import dev.tokenplane.sizing.PressureConfig;
import dev.tokenplane.sizing.SizingConfig;
import dev.tokenplane.sizing.SizingPolicy;

/** The report's account of the simulation: the model, the algorithms and the measures, with their settings. */
final class ModelSection {

    private ModelSection() {}

    static void render(StringBuilder md, PressureConfig pressure) {
        ServerModel s = ServerModel.DEFAULT;
        SizingConfig ours = SizingConfig.defaults();
        DampingConfig d = ours.damping();
        md.append("## How the simulation works\n\n");
        md.append("- **Clock.** A fake clock; one sizing tick per simulated second (`BMS_SIZING_INTERVAL_MS` = 1000)."
                        + " Each tick has ")
                .append(Workload.SUB_STEPS)
                .append(" sub-steps for arrivals, the bucket and" + " the server queue.\n");
        md.append("- **Traffic.** Poisson arrivals around each scenario's rate, drawn once from the seed, so every"
                + " algorithm meets exactly the same requests and CPU noise. No retries: a denied request is lost"
                + " (shed).\n");
        md.append("- **Bucket.** One per server (`server/<id>`): capacity C tokens, refill C per second, so capacity"
                        + " reads as requests/s. Rule: min ")
                .append(Scenarios.RULE.minCapacity())
                .append(", max ")
                .append(Scenarios.RULE.maxCapacity())
                .append(", thresholdHigh ")
                .append(Report.fmt(Scenarios.RULE.adaptive().thresholdHigh()))
                .append(", thresholdLow ")
                .append(Report.fmt(Scenarios.RULE.adaptive().thresholdLow()))
                .append(", growthFactor ")
                .append(Report.fmt(Scenarios.RULE.adaptive().growthFactor()))
                .append(", shrinkFactor ")
                .append(Report.fmt(Scenarios.RULE.adaptive().shrinkFactor()))
                .append(" (the rule example of docs/http-api.md). A resized bucket keeps its tokens, clamped.\n");
        md.append("- **Server.** A capacity in requests/s. CPU = ")
                .append(Report.fmt2(s.idleCpu()))
                .append(" + ")
                .append(Report.fmt2(1 - s.idleCpu()))
                .append(" × busy, plus noise (σ ")
                .append(Report.fmt3(s.cpuNoise()))
                .append("). Mean latency = base / (1 − ρ) (M/M/1, ρ = admitted / capacity, capped at ")
                .append(Report.fmt2(s.maxRho()))
                .append(") plus the wait in the backlog (at most ")
                .append(Report.fmt0(s.queueSeconds()))
                .append(" s of work; beyond that requests are dropped). Latency is"
                        + " exponential around that mean: p99 = mean × ln 100.\n");
        md.append("- **SLO.** ")
                .append(Report.fmt0(s.sloMs()))
                .append(" ms. A completed request counts as goodput with"
                        + " probability 1 − exp(−SLO / mean latency); so goodput per request falls steeply as ρ → 1, and the"
                        + " best throughput of good requests is near ρ ≈ 0.8.\n");
        md.append("- **Agent.** Reports CPU and latency p99 at the end of each tick; the sizing loop sees it at the"
                + " next tick. Every algorithm sees load only through these reports.\n\n");

        md.append("### Algorithms\n\n");
        md.append("- **fixed**: the bucket's starting capacity, never changed.\n");
        md.append("- **clamp-only**: the seed's pseudocode as written (`ClampFunction`), every tick, no damping:"
                        + " EWMA forecast (α ")
                .append(Report.fmt(Forecaster.Ewma.DEFAULT_ALPHA))
                .append(
                        "), pressure from the"
                                + " latest report whatever its age (0 before the first), ×growthFactor / ×shrinkFactor, clamp.\n");
        md.append("- **AIMD**: Netflix concurrency-limits' `AIMDLimit` with one sample per tick: ×0.9 when the latest"
                        + " report shows overload (CPU > ")
                .append(Report.fmt(ServerModel.OVERLOAD_CPU))
                .append(" or p99 > ")
                .append(Report.fmt0(pressure.latencyP99TargetMs()))
                .append(" ms, its `didDrop || rtt > timeout`; a disk busier" + " than ")
                .append(Report.fmt(ServerModel.OVERLOAD_CPU))
                .append(" counts as a drop too), else +1" + " when granted × 2 ≥ limit (its own app-limited guard).\n");
        md.append("- **Gradient2**: the idea of Netflix concurrency-limits' `Gradient2Limit` applied to capacity, one"
                        + " latency p99 sample per tick: gradient = clamp(long-term average / current, 0.5, 1); limit ←"
                        + " limit × (1 − ")
                .append(Report.fmt(Gradient2Algorithm.SMOOTHING))
                .append(") + (limit × gradient +" + " √limit) × ")
                .append(Report.fmt(Gradient2Algorithm.SMOOTHING))
                .append("; long-term average over ")
                .append(Gradient2Algorithm.LONG_WINDOW)
                .append(" samples; no change while granted < limit / 2." + " It reads latency only.\n");
        md.append("- **ours**: `SizingPolicy` with `SizingConfig.defaults()`: forecaster ")
                .append(Report.describe(ours.forecaster()))
                .append("; pressure = max(CPU / ")
                .append(Report.fmt(ours.pressure().cpuTarget()))
                .append(", disk busy / ")
                .append(Report.fmt(ours.pressure().diskBusyTarget()))
                .append(", p99 / ")
                .append(Report.fmt0(ours.pressure().latencyP99TargetMs()))
                .append(" ms), pressureHigh ")
                .append(Report.fmt(ours.pressure().pressureHigh()))
                .append("; step cap +")
                .append(Report.fmt0(100 * d.maxStepUp()))
                .append(" % / −")
                .append(Report.fmt0(100 * d.maxStepDown()))
                .append(" %; cooldown ")
                .append(d.cooldownMillis())
                .append(" ms; no growth for ")
                .append(d.growthHoldAfterShedMillis())
                .append(" ms after a shed; app-limited below ")
                .append(Report.fmt0(100 * d.appLimitedFraction()))
                .append(" % of the size; no resize under ")
                .append(Report.fmt0(100 * d.minChangeFraction()))
                .append(" %; hold when the report is older than ")
                .append(d.staleAfterMillis())
                .append(" ms; pressure smoothed (weight ")
                .append(Report.fmt(ours.pressure().smoothing()))
                .append(" on the newest sample; a saturated sample acts at"
                        + " once; a shed needs the newest sample to agree: above pressureHigh the policy acts on the lower of"
                        + " the smoothed and the newest pressure); growth at most halfway (geometrically) to the size whose"
                        + " load would reach pressureTarget ")
                .append(Report.fmt(ours.pressure().pressureTarget()))
                .append("; shed to the size that would bring the"
                        + " pressure to pressureTarget, in proportion to the excess, but no further shed within ")
                .append(d.growthHoldAfterShedMillis())
                .append(" ms of the last while the pressure level (latency not"
                        + " clamped at its target) falls under ")
                .append(Report.fmt(SizingPolicy.DRAINING_FALL))
                .append(" of its smoothed value (the queue of the overload is draining).\n\n");

        md.append("### Measures\n\n");
        md.append("- **goodput**: requests completed within the SLO / requests offered, %.\n");
        md.append("- **shed**: requests the bucket denied / requests offered, %.\n");
        md.append("- **overload**: share of server-ticks with CPU > ")
                .append(Report.fmt(ServerModel.OVERLOAD_CPU))
                .append(", %.\n");
        md.append("- **overshoot**: after each step event, how far the capacity went past the value it settled at"
                + " (mean of the phase's last quarter), in the direction it moved, as % of that value; the worst"
                + " event.\n");
        md.append("- **settle**: after each step event, ticks until the capacity stays within ±10 % of that settled"
                + " value to the end of the phase; the worst event.\n");
        md.append("- **osc/100**: direction changes of the capacity per 100 ticks over the whole run; **steady"
                + " osc/100**: the same inside the steady windows (each phase after its first 15–20 ticks).\n");
        md.append("- **fairness**: Jain's index over the buckets of goodput / offered (1 = every bucket gets the same"
                + " share of its demand served within the SLO).\n");
        md.append("- **score**: goodput % − ")
                .append(Report.fmt(Metrics.OVERLOAD_PENALTY))
                .append(" × overload %. Overload"
                        + " already costs goodput through latency; the penalty adds what the model leaves out (a server at"
                        + " > 90 % CPU is one bad minute from timeouts, retries and GC storms).\n\n");
    }
}
