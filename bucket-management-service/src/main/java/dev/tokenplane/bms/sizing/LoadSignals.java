package dev.tokenplane.bms.sizing;

import dev.tokenplane.bms.agents.AgentReport;
import dev.tokenplane.bms.agents.AgentState;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.sizing.LoadSample;
import dev.tokenplane.sizing.LoadSignal;
import dev.tokenplane.sizing.PressureConfig;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The load behind each bucket at one sizing tick, from the agents' latest reports (a snapshot taken once per tick):
 * <ul>
 *   <li>a server bucket ({@code server/<serverId>}) follows that server's latest report, and is
 *       {@link LoadSignal.Missing missing} while the server has none;</li>
 *   <li>a bucket whose rule puts it in a transfer pool that agents report under ({@code AGENT_POOL}) follows the worst
 *       server of the pool: the fresh report with the highest pressure, or, when every report of the pool is stale,
 *       the newest one (so the policy holds);</li>
 *   <li>any other bucket is tied to no server: {@link LoadSignal.Untracked untracked}, it follows its own demand.</li>
 * </ul>
 * A sample is stamped with the time the BMS received the report ({@link AgentState#lastReportAt()}), never the agent's
 * own clock. Immutable.
 */
final class LoadSignals {
    /** The key prefix of server buckets. */
    static final String SERVER_PREFIX = "server/";

    private final Map<String, AgentState> byServer;
    private final Map<String, LoadSample> worstByPool;

    private LoadSignals(Map<String, AgentState> byServer, Map<String, LoadSample> worstByPool) {
        this.byServer = byServer;
        this.worstByPool = worstByPool;
    }

    /**
     * @param agents       every known agent
     * @param nowMillis    the tick's time
     * @param staleAfterMs a report older than this is stale (the BMS's {@code BMS_AGENT_STALE_MS})
     * @param pressure     how the policy turns a sample into pressure, to rank a pool's servers
     */
    static LoadSignals of(Collection<AgentState> agents, long nowMillis, long staleAfterMs, PressureConfig pressure) {
        Map<String, AgentState> byServer = new HashMap<>();
        Map<String, AgentState> pick = new HashMap<>();
        for (AgentState a : agents) {
            byServer.put(a.serverId(), a);
            if (a.pool() != null) {
                pick.merge(a.pool(), a, (x, y) -> worse(x, y, nowMillis, staleAfterMs, pressure));
            }
        }
        Map<String, LoadSample> worst = new HashMap<>();
        pick.forEach((pool, a) -> worst.put(pool, sample(a)));
        return new LoadSignals(byServer, worst);
    }

    /**
     * The load behind a bucket of the caller's key {@code key} (not its store key).
     *
     * @param transfer the bucket's effective transfer settings, or null
     */
    LoadSignal forBucket(String key, Rule.Transfer transfer) {
        if (key.startsWith(SERVER_PREFIX)) {
            AgentState agent = byServer.get(key.substring(SERVER_PREFIX.length()));
            return agent == null ? LoadSignal.missing() : LoadSignal.of(sample(agent));
        }
        LoadSample pool = transfer == null ? null : worstByPool.get(transfer.pool());
        return pool == null ? LoadSignal.untracked() : LoadSignal.of(pool);
    }

    /** Of two agents of one pool: a fresh one before a stale one; then the higher pressure, or the newer if stale. */
    private static AgentState worse(AgentState x, AgentState y, long now, long staleAfterMs, PressureConfig pressure) {
        boolean xFresh = !x.isStaleAt(now, staleAfterMs);
        boolean yFresh = !y.isStaleAt(now, staleAfterMs);
        if (xFresh != yFresh) {
            return xFresh ? x : y;
        }
        if (!xFresh) {
            return x.lastReportAt() >= y.lastReportAt() ? x : y;
        }
        return pressure.pressure(sample(x)) >= pressure.pressure(sample(y)) ? x : y;
    }

    /**
     * The agent's latest report as the policy's sample; an absent signal is NaN (it adds no pressure). The byte rates
     * are not pressure (a rate says nothing without the device's capacity): the agent's utilisation fractions are.
     */
    static LoadSample sample(AgentState agent) {
        AgentReport r = agent.latest();
        return new LoadSample(
                agent.lastReportAt(),
                value(r.cpu()),
                value(r.memory()),
                value(r.netUtilisation()),
                value(r.diskBusy()),
                value(r.latencyP99Ms()));
    }

    private static double value(Double v) {
        return v == null ? Double.NaN : v;
    }
}
