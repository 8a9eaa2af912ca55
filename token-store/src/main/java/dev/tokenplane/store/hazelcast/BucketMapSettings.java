package dev.tokenplane.store.hazelcast;

import com.hazelcast.config.InMemoryFormat;
import dev.tokenplane.store.CreationGate;
import java.time.Duration;
import java.time.InstantSource;

/**
 * How {@link HazelcastBucketStore#configure} sets up a bucket map on a member.
 *
 * @param inMemoryFormat {@code OBJECT} (the default: processors work on the stored value in place, and entries are
 *                       smaller) or {@code BINARY}
 * @param idleExpiry     how idle buckets leave the map; the default is {@link IdleExpiry#SWEEP}
 * @param sweepInterval  how often each member's store sweeps its idle buckets with {@link IdleExpiry#SWEEP};
 *                       {@link Duration#ZERO} for never (callers then use {@code evictIdle()} themselves)
 * @param backupCount    synchronous backups of each bucket, in [0, 6]; default 1
 * @param clock          the member's clock for every bucket operation (epoch millis of the owner); one per member,
 *                       {@link InstantSource#system()} unless a test injects a fake one
 * @param creationGate   asked on the owner before an acquire creates a bucket (one per member, like the clock);
 *                       {@link CreationGate#UNLIMITED} by default
 */
public record BucketMapSettings(
        InMemoryFormat inMemoryFormat,
        IdleExpiry idleExpiry,
        Duration sweepInterval,
        int backupCount,
        InstantSource clock,
        CreationGate creationGate) {

    public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofSeconds(30);

    public BucketMapSettings {
        if (inMemoryFormat != InMemoryFormat.OBJECT && inMemoryFormat != InMemoryFormat.BINARY) {
            throw new IllegalArgumentException("inMemoryFormat must be OBJECT or BINARY, was " + inMemoryFormat);
        }
        if (idleExpiry == null || clock == null || creationGate == null) {
            throw new IllegalArgumentException("idleExpiry, clock and creationGate are required");
        }
        if (sweepInterval == null || sweepInterval.isNegative()) {
            throw new IllegalArgumentException("sweepInterval must be >= 0, was " + sweepInterval);
        }
        if (backupCount < 0 || backupCount > 6) {
            throw new IllegalArgumentException("backupCount must be in [0, 6], was " + backupCount);
        }
    }

    /** OBJECT format, the store's own sweep every 30 s, one backup, the system clock, no creation limit. */
    public static BucketMapSettings defaults() {
        return new BucketMapSettings(
                InMemoryFormat.OBJECT,
                IdleExpiry.SWEEP,
                DEFAULT_SWEEP_INTERVAL,
                1,
                InstantSource.system(),
                CreationGate.UNLIMITED);
    }

    public BucketMapSettings withInMemoryFormat(InMemoryFormat format) {
        return new BucketMapSettings(format, idleExpiry, sweepInterval, backupCount, clock, creationGate);
    }

    public BucketMapSettings withIdleExpiry(IdleExpiry expiry) {
        return new BucketMapSettings(inMemoryFormat, expiry, sweepInterval, backupCount, clock, creationGate);
    }

    public BucketMapSettings withSweepInterval(Duration interval) {
        return new BucketMapSettings(inMemoryFormat, idleExpiry, interval, backupCount, clock, creationGate);
    }

    public BucketMapSettings withBackupCount(int count) {
        return new BucketMapSettings(inMemoryFormat, idleExpiry, sweepInterval, count, clock, creationGate);
    }

    public BucketMapSettings withClock(InstantSource memberClock) {
        return new BucketMapSettings(inMemoryFormat, idleExpiry, sweepInterval, backupCount, memberClock, creationGate);
    }

    public BucketMapSettings withCreationGate(CreationGate gate) {
        return new BucketMapSettings(inMemoryFormat, idleExpiry, sweepInterval, backupCount, clock, gate);
    }
}
