package dev.tokenplane.bms.support;

import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.BmsOptions;
import dev.tokenplane.bms.schedule.Scheduler;
import dev.tokenplane.bms.transfer.TransferFeature;
import dev.tokenplane.store.Tokens;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One BMS member shared by the HTTP tests of this JVM (starting a Hazelcast member takes seconds): a generated admin
 * token, an agent token, a short agent staleness, a counting store, the transfer protocol's pool routes and tick (so
 * that the router has every route the OpenAPI document describes) with a stub borrower that lends to pool
 * {@value #LENDING_POOL}, and the sizing loop, its ticks counted (or, in {@link #CLIENT_MODE}, a client of a data
 * member). Tests use their own keys and rule ids, so they do not disturb each other.
 */
public final class SharedBms {
    public static final String AGENT_TOKEN = "agent-token-0123456789abcdef";
    /** Buckets of rules in this pool get {@code tokens} whole tokens credited when denied. */
    public static final String LENDING_POOL = "test-lending";

    public static final long AGENT_STALE_MS = 800;

    /**
     * With {@code -Dbms.test.hazelcastMode=client} (the surefire execution {@code client-mode}), the shared BMS is a
     * Hazelcast client of a {@link DataMemberProcess}.
     */
    public static final boolean CLIENT_MODE = "client".equals(System.getProperty("bms.test.hazelcastMode"));

    private static SharedBms instance;

    public final BmsNode node;
    public final Api api;
    public final CountingStore store;
    public final AtomicInteger sizingTicks = new AtomicInteger();
    public final LogCapture logs;
    public final String clusterSecret;
    /** The data member of client mode, or null. */
    public final DataMemberProcess dataMember;

    private SharedBms() throws Exception {
        this.logs = LogCapture.install();
        CountingStore[] holder = new CountingStore[1];
        BmsOptions options = BmsOptions.CORE
                .withSizing(true)
                .withStore(s -> holder[0] = new CountingStore(s))
                .withScheduler(this::countingSizingTicks);
        TestSettings settings = TestSettings.member();
        if (CLIENT_MODE) {
            // the API tests again, on a BMS that is a Hazelcast client of a data member in its own JVM; transfer pools
            // work on the buckets a member owns, so a client runs without them (as BmsMain does)
            this.dataMember = DataMemberProcess.start(settings);
            settings.with("BMS_HAZELCAST_MODE", "client").with("BMS_CLUSTER_MEMBERS", dataMember.clientAddress());
        } else {
            this.dataMember = null;
            options = options.withTransfer(TransferFeature.Options.defaults());
        }
        options = options.withBorrower(request -> {
            if (!LENDING_POOL.equals(request.bucket().pooled().pool())) {
                return CompletableFuture.completedFuture(0L);
            }
            return holder[0]
                    .credit(request.bucket().storeKey(), Tokens.toNano(request.tokens()))
                    .thenApply(nanos -> nanos / Tokens.SCALE);
        });
        this.clusterSecret = settings.get("BMS_CLUSTER_SECRET");
        this.node = BmsNode.start(
                settings.with("BMS_AGENT_TOKEN", AGENT_TOKEN)
                        .with("BMS_AGENT_STALE_MS", Long.toString(AGENT_STALE_MS))
                        .with("BMS_SIZING_INTERVAL_MS", "50")
                        .build(),
                options,
                InstantSource.system());
        this.store = holder[0];
        this.api = new Api(node.url(), node.adminToken());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.stop();
            if (dataMember != null) {
                dataMember.close();
            }
        }));
    }

    /** The member's scheduler, counting the runs of the sizing tick. */
    private Scheduler countingSizingTicks(Scheduler real) {
        return (name, interval, job) -> real.every(
                name,
                interval,
                "sizing tick".equals(name)
                        ? () -> {
                            sizingTicks.incrementAndGet();
                            job.run();
                        }
                        : job);
    }

    public static synchronized SharedBms get() throws Exception {
        if (instance == null) {
            instance = new SharedBms();
        }
        return instance;
    }
}
