package dev.tokenplane.bms.leases;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import dev.tokenplane.bms.cluster.Completions;
import dev.tokenplane.bms.cluster.Deadline;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The BMS's record of client token leases: a Hazelcast map ({@value #MAP}) from {@link LeaseKey} (lease id and bucket
 * key, partitioned with the bucket) to {@link Lease}, with one synchronous backup and a per-entry TTL equal to the
 * lease's life, so that expired leases leave the map by themselves.
 *
 * <p>Each member keeps at most {@value #MAX_LEASES_PER_MEMBER} leases: past that Hazelcast evicts the least recently
 * used, whose unused tokens are then lost (the safe direction), so that a caller creating leases at its full decision
 * rate cannot fill the members' memory.
 *
 * <p>A lease id is 128 bits from {@link SecureRandom}, in URL-safe base64 without padding (22 characters): a caller
 * cannot guess another's, and one id serves one bucket and one client only. Ids are capabilities: never log them.
 *
 * <p>Thread-safe and non-blocking; stages complete where Hazelcast completes them.
 */
public final class LeaseLedger {
    /** The Hazelcast map of the leases. */
    public static final String MAP = "tp.leases";
    /**
     * The longest a lease may live: two hours, so that a client keeping its tokens for up to an hour (the SDK's
     * longest lease) still finds its lease when it gives them back.
     */
    public static final long MAX_TTL_MS = 7_200_000;
    /** The most leases a member keeps (past it, the least recently used go: their tokens are lost). */
    public static final int MAX_LEASES_PER_MEMBER = 500_000;
    /** Hazelcast's own backstop, should an entry ever be written without its TTL. */
    static final int MAP_TTL_SECONDS = (int) (MAX_TTL_MS / 1000) + 60;
    /** The deadline of the ledger's calls when none is given: {@code BMS_REQUEST_TIMEOUT_MS}'s default. */
    static final long DEFAULT_DEADLINE_MS = 2000;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final Base64.Encoder ID_ENCODER = Base64.getUrlEncoder().withoutPadding();

    /** A recorded lease: its id, and when it stops accepting a release (epoch ms). */
    public record Opened(String leaseId, long expiresAt) {}

    private final IMap<LeaseKey, Lease> map;
    private final InstantSource clock;
    private final Deadline deadline;
    private final SecureRandom random = new SecureRandom();

    public LeaseLedger(HazelcastInstance hazelcast, InstantSource clock) {
        this(hazelcast, clock, new Deadline(DEFAULT_DEADLINE_MS));
    }

    /** A ledger whose calls fail with {@link Deadline.Exceeded} past {@code deadline}. */
    public LeaseLedger(HazelcastInstance hazelcast, InstantSource clock, Deadline deadline) {
        this.map = hazelcast.getMap(MAP);
        this.clock = clock;
        this.deadline = deadline;
    }

    /** Adds the lease map and its serializers to a member's configuration, before the member starts. */
    public static void configure(Config config) {
        config.addMapConfig(new MapConfig(MAP)
                .setBackupCount(1)
                .setAsyncBackupCount(0)
                .setTimeToLiveSeconds(MAP_TTL_SECONDS)
                .setEvictionConfig(new EvictionConfig()
                        .setEvictionPolicy(EvictionPolicy.LRU)
                        .setMaxSizePolicy(MaxSizePolicy.PER_NODE)
                        .setSize(MAX_LEASES_PER_MEMBER)));
        for (CompactSerializer<?> s : LeaseSerializers.all()) {
            config.getSerializationConfig().getCompactSerializationConfig().addSerializer(s);
        }
        config.getSerializationConfig()
                .addDataSerializableFactory(LeaseProcessors.FACTORY_ID, new LeaseProcessors.Factory());
    }

    /** One value of each Compact type of the ledger, whose schemas a member replicates as it starts. */
    public static List<Object> schemaSamples() {
        return LeaseSerializers.samples();
    }

    /** Whether {@code leaseId} has the shape of an id this ledger gives out. */
    public static boolean isWellFormed(String leaseId) {
        return leaseId != null && ID.matcher(leaseId).matches();
    }

    /**
     * Records a lease of {@code tokens} (already taken from bucket {@code key}) for {@code clientId}, living
     * {@code ttlMs} from now.
     *
     * @param tokens at least 1
     * @param ttlMs  in [1, {@link #MAX_TTL_MS}]
     */
    public CompletionStage<Opened> open(String key, String clientId, long tokens, long ttlMs) {
        if (ttlMs < 1 || ttlMs > MAX_TTL_MS) {
            throw new IllegalArgumentException("ttlMs must be in [1, " + MAX_TTL_MS + "], was " + ttlMs);
        }
        byte[] bits = new byte[16];
        random.nextBytes(bits);
        String id = ID_ENCODER.encodeToString(bits);
        long expiresAt = clock.millis() + ttlMs;
        return deadline.on(Completions.on(map.setAsync(
                        new LeaseKey(id, key), new Lease(clientId, tokens, expiresAt), ttlMs, TimeUnit.MILLISECONDS)))
                .thenApply(v -> new Opened(id, expiresAt));
    }

    /**
     * Ends lease {@code leaseId} of bucket {@code key} for {@code clientId}, atomically on the lease's owner, and
     * answers the tokens to credit back to the bucket: at most {@code tokens} and at most what the lease held.
     * {@link Lease.Refused} (and nothing changes) when there is no such live lease for this bucket and client. Once a
     * release has been answered {@link Lease.Returned}, every later release of the same id is refused.
     */
    public CompletionStage<Lease.Release> release(String key, String leaseId, String clientId, long tokens) {
        LeaseProcessors.ReleaseLease op = new LeaseProcessors.ReleaseLease(clientId, tokens, clock.millis());
        return deadline.on(Completions.on(map.submitToKey(new LeaseKey(leaseId, key), op)))
                .thenApply(
                        t -> t == null || t == LeaseProcessors.REFUSED ? new Lease.Refused() : new Lease.Returned(t));
    }
}
