package dev.tokenplane.bms.audit;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.tokenplane.bms.cluster.MapEvents;
import dev.tokenplane.bms.config.ConfigCodec;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log of the whole cluster, readable from any member.
 *
 * <p><b>Replicated, then journaled on every member</b> (rather than asking every member at read time): the member that
 * serves an admin write logs one line (logger {@value #LOGGER}) and puts the record, as a JSON string (no
 * Java-serialised type travels), into the Hazelcast map {@value #MAP}. Every member listens to the map and writes
 * each record to its own disk ({@link AuditJournal}); {@code GET /v1/audit} reads the local disk, so any member
 * answers for the cluster without a remote call, and the log survives the loss of any member, or of all of them (at
 * start a member puts the records of its disk back into the map). Reads asking every member would lose the records of
 * a member that is down, and need a member-to-member call type.
 *
 * <p><b>Bounded</b>: each member's disk keeps the newest {@code BMS_AUDIT_RETENTION} records, pruning on insert; the
 * member that wrote a record removes from the map what its insert pruned, and a starting member trims the map the
 * same way, so the map holds about as many records as the disks.
 *
 * <p>Thread-safe. {@link #record} does not block (the event loop calls it).
 */
public final class AuditLog implements AuditSink, AutoCloseable {
    public static final String MAP = "tp.audit";
    public static final String LOGGER = "dev.tokenplane.bms.audit";
    private static final Logger AUDIT = LoggerFactory.getLogger(LOGGER);
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private final IMap<String, String> map;
    private final AuditJournal journal;
    private final Executor disk;
    private final InstantSource clock;
    private final String member;
    /** Distinguishes this run of this member in record ids (a restarted member starts its sequence again). */
    private final String tag;

    private final AtomicLong sequence = new AtomicLong();
    private UUID listenerId;

    /**
     * @param disk runs the journal writes that follow the map's events, in order
     */
    public AuditLog(HazelcastInstance hazelcast, AuditJournal journal, Executor disk, InstantSource clock) {
        this.map = hazelcast.getMap(MAP);
        this.clock = clock;
        this.journal = journal;
        this.disk = disk;
        this.member = writerName(hazelcast);
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        this.tag = HexFormat.of().formatHex(random);
    }

    /** The member's address, or {@code client:<local address>} for a BMS in client mode, which has no member. */
    private static String writerName(HazelcastInstance hazelcast) {
        if (hazelcast.getLocalEndpoint() instanceof Member m) {
            return m.getAddress().getHost() + ":" + m.getAddress().getPort();
        }
        InetSocketAddress local =
                (InetSocketAddress) hazelcast.getLocalEndpoint().getSocketAddress();
        return local == null ? "client" : "client:" + local.getHostString() + ":" + local.getPort();
    }

    /**
     * Joins the cluster's audit log: listens to the map, puts this member's disk into it, takes the map onto the disk,
     * and trims the map to the retention. Blocks: call it at start, off any event loop; again if it failed part way.
     */
    public void start() {
        if (listenerId == null) { // a start run again after a rebalancing failure keeps its first listener
            listenerId = map.addEntryListener(new Listener(), true);
        }
        Map<String, String> onDisk = new LinkedHashMap<>();
        journal.all().forEach(r -> onDisk.put(r.id(), ConfigCodec.write(r)));
        if (!onDisk.isEmpty()) {
            map.putAll(onDisk); // records never change: an id already in the map gets the same value again
        }
        List<AuditRecord> inMap = new ArrayList<>();
        map.values().forEach(json -> inMap.add(ConfigCodec.read(json, AuditRecord.class)));
        journal.insert(inMap);
        List<String> ids = new ArrayList<>(map.keySet());
        ids.sort(null);
        ids.subList(0, Math.max(0, ids.size() - journal.retention())).forEach(map::delete);
        LOG.info("audit log: {} records on this member's disk, {} in the cluster", onDisk.size(), ids.size());
    }

    /**
     * Keeps one record of an admin write answered now: one line on the audit logger now, and the record in the
     * cluster's map (and from there on every member's disk). Never blocks and never throws: an audit failure is
     * logged, the write it describes has already happened.
     */
    @Override
    public void record(
            String credential,
            String method,
            String path,
            String route,
            String object,
            int status,
            Long versionBefore,
            Long versionAfter) {
        long at = clock.millis();
        AuditRecord r = new AuditRecord(
                AuditRecord.id(at, tag, sequence.incrementAndGet()),
                at,
                credential,
                method,
                path,
                route,
                object,
                status,
                versionBefore,
                versionAfter,
                member);
        AUDIT.atInfo()
                .addKeyValue("auditId", r.id())
                .addKeyValue("credential", credential)
                .addKeyValue("method", method)
                .addKeyValue("path", path)
                .addKeyValue("object", object)
                .addKeyValue("status", status)
                .addKeyValue("versionBefore", versionBefore)
                .addKeyValue("versionAfter", versionAfter)
                .log(r.logLine());
        try {
            // never Hazelcast's default continuation executor (a thread per callback with a small common pool)
            map.setAsync(r.id(), ConfigCodec.write(r))
                    .whenCompleteAsync(
                            (v, e) -> {
                                if (e != null) {
                                    LOG.error("audit record {} not replicated: {}", r.id(), e.toString());
                                }
                            },
                            disk);
        } catch (RuntimeException e) {
            LOG.error("audit record {} not replicated: {}", r.id(), e.toString());
        }
    }

    /** Up to {@code limit} records after {@code afterId}, oldest first, from this member's disk. Blocks. */
    public List<AuditRecord> after(String afterId, int limit) {
        return journal.after(afterId, limit);
    }

    private boolean wroteHere(String id) {
        return id.regionMatches(14, tag, 0, tag.length());
    }

    private final class Listener extends MapEvents<String, String> {
        @Override
        protected void upserted(String id, String json) {
            AuditRecord r = ConfigCodec.read(json, AuditRecord.class);
            disk.execute(() -> {
                try {
                    List<String> pruned = journal.insert(List.of(r));
                    if (wroteHere(id)) {
                        pruned.forEach(map::delete);
                    }
                } catch (RuntimeException e) {
                    LOG.error("audit record {} not written to disk", id, e);
                }
            });
        }
    }

    @Override
    public void close() {
        MapEvents.unregister(map, listenerId);
    }
}
