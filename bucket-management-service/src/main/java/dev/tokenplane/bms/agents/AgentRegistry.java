package dev.tokenplane.bms.agents;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.tokenplane.bms.cluster.Completions;
import dev.tokenplane.bms.cluster.MapEvents;
import dev.tokenplane.bms.config.ConfigCodec;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * The latest reports of every agent, in a Hazelcast map ({@value #MAP}) shared by the cluster, with a local copy on
 * each member kept by entry events. Readers (the agents list, the metrics, the sizing loop) use the local copy: no
 * remote call. Reports are live data, not configuration: they are not persisted, and an agent that stops reporting
 * leaves the map after the map's max-idle time.
 *
 * <p>Thread-safe.
 */
public final class AgentRegistry implements AutoCloseable {
    public static final String MAP = "tp.agents";
    /** How many reports are kept per server. */
    public static final int KEEP_REPORTS = 5;
    /** "TA", tokenplane agents; unique among the factories of a member. */
    static final int FACTORY_ID = 0x5441;

    static final int APPEND = 1;

    private final IMap<String, String> map;
    private final long staleAfterMs;
    private final ConcurrentSkipListMap<String, AgentState> local = new ConcurrentSkipListMap<>();
    private final List<BiConsumer<String, AgentState>> listeners = new CopyOnWriteArrayList<>();
    private UUID listenerId;

    public AgentRegistry(HazelcastInstance hazelcast, long staleAfterMs) {
        this.map = hazelcast.getMap(MAP);
        this.staleAfterMs = staleAfterMs;
    }

    /**
     * Adds the map ({@code maxIdleSeconds}: agents that stop reporting leave it) and the factory of {@link Append} to a
     * member's configuration, before the member starts.
     */
    public static void configure(Config config, int maxIdleSeconds) {
        config.addMapConfig(new MapConfig(MAP).setBackupCount(1).setMaxIdleSeconds(maxIdleSeconds));
        config.getSerializationConfig()
                .addDataSerializableFactory(FACTORY_ID, classId -> classId == APPEND ? new Append() : null);
    }

    /** Listens to the map and loads what it holds. Blocks: call it at start; again if it failed part way. */
    public void start() {
        if (listenerId == null) { // a start run again after a rebalancing failure keeps its first listener
            listenerId = map.addEntryListener(new Listener(), true);
        }
        for (Map.Entry<String, String> e : map.entrySet()) {
            AgentState s = ConfigCodec.read(e.getValue(), AgentState.class);
            local.put(e.getKey(), s);
            listeners.forEach(l -> l.accept(e.getKey(), s));
        }
    }

    /**
     * Appends a validated report, received at {@code nowMillis}, on the owner of the server's entry. The new state is
     * in this member's copy when the stage completes, so a read that follows the acknowledgement sees the report.
     */
    public CompletionStage<Void> report(AgentReport report, long nowMillis) {
        return Completions.on(map.submitToKey(report.serverId(), new Append(ConfigCodec.write(report), nowMillis)))
                .thenAccept(state -> update(report.serverId(), ConfigCodec.read(state, AgentState.class)));
    }

    /** Every known agent, by server id. */
    public List<AgentState> all() {
        return List.copyOf(local.values());
    }

    /** Up to {@code limit} agents whose server id sorts after {@code afterServerId} (null: from the first), by id. */
    public List<AgentState> page(String afterServerId, int limit) {
        return (afterServerId == null ? local : local.tailMap(afterServerId, false))
                .values().stream().limit(limit).toList();
    }

    /** How many agents this member knows of (the whole cluster's, through the map's events). */
    public int size() {
        return local.size();
    }

    /** The agent of {@code serverId}, or null. */
    public AgentState get(String serverId) {
        return local.get(serverId);
    }

    /** The region of the agent of {@code serverId} (of its latest report that named one), or null. */
    public String regionOf(String serverId) {
        AgentState agent = local.get(serverId);
        return agent == null ? null : agent.region();
    }

    /** Whether the agent's reports have stopped at {@code nowMillis}. */
    public boolean isStale(AgentState agent, long nowMillis) {
        return agent.isStaleAt(nowMillis, staleAfterMs);
    }

    public long staleAfterMs() {
        return staleAfterMs;
    }

    /**
     * Calls {@code listener} (on any thread) with the server id and its new state after each report, and with a null
     * state when the agent leaves the map.
     */
    public void onChange(BiConsumer<String, AgentState> listener) {
        listeners.add(listener);
    }

    /** Appends one report to a server's state, keeping the latest {@link #KEEP_REPORTS}. */
    static final class Append implements EntryProcessor<String, String, String>, IdentifiedDataSerializable {
        private String report;
        private long receivedAt;

        Append() {}

        Append(String report, long receivedAt) {
            this.report = report;
            this.receivedAt = receivedAt;
        }

        /** Returns the new state. */
        @Override
        public String process(Map.Entry<String, String> entry) {
            AgentState current = entry.getValue() == null ? null : ConfigCodec.read(entry.getValue(), AgentState.class);
            AgentReport r = ConfigCodec.read(report, AgentReport.class);
            String state = ConfigCodec.write(AgentState.append(current, r, receivedAt, KEEP_REPORTS));
            entry.setValue(state);
            return state;
        }

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return APPEND;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(report);
            out.writeLong(receivedAt);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            report = in.readString();
            receivedAt = in.readLong();
        }
    }

    /** Takes {@code state} into this member's copy unless it holds a newer one (the write's answer and the map's event
     * race). */
    private void update(String serverId, AgentState state) {
        AgentState now = local.merge(serverId, state, (old, neu) -> old.isAtLeastAsNewAs(neu) ? old : neu);
        if (now == state) { // the second copy of the same report (answer and event) changes nothing, tells no one
            listeners.forEach(l -> l.accept(serverId, now));
        }
    }

    private final class Listener extends MapEvents<String, String> {
        @Override
        protected void upserted(String serverId, String value) {
            update(serverId, ConfigCodec.read(value, AgentState.class));
        }

        @Override
        protected void removed(String serverId) {
            local.remove(serverId);
            listeners.forEach(l -> l.accept(serverId, null));
        }
    }

    @Override
    public void close() {
        MapEvents.unregister(map, listenerId);
    }
}
