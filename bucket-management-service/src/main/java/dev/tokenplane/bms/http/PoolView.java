package dev.tokenplane.bms.http;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.tokenplane.bms.rules.StoreKey;
import dev.tokenplane.bms.transfer.PoolSettingsRegistry;
import dev.tokenplane.store.Tokens;
import dev.tokenplane.transfer.pool.MemberStats;
import dev.tokenplane.transfer.pool.PoolStats;
import java.util.List;
import java.util.Map;

/**
 * The answer to {@code GET /v1/pools/{pool}}, in tokens (the protocol counts nanotokens). Figures are this member's:
 * its view of the pool at the last tick, its breaker, its borrowing window and the transfers it carried out.
 *
 * @param pool            the pool
 * @param coordinator     whether this member runs the pool's rebalance on each tick
 * @param breaker         this member's breaker of the pool: {@code closed}, {@code open} or {@code half_open}
 * @param settings        the pool's run-time settings, or null when none are set
 * @param spare           tokens the pool's lenders may lend, by the last tick's figures less what was lent since
 * @param windowCapacity  tokens this member lends out per window (its share of the spare at the window's start)
 * @param windowStartedAt when the current window opened, epoch millis
 * @param lent            tokens lent in all, since this member started
 * @param borrowed        tokens borrowed in all (equal to lent: transfers conserve tokens)
 * @param transfers       transfers by outcome
 * @param members         the pool's buckets
 */
@JsonPropertyOrder({
    "pool",
    "coordinator",
    "breaker",
    "settings",
    "spare",
    "windowCapacity",
    "windowStartedAt",
    "lent",
    "borrowed",
    "transfers",
    "members"
})
public record PoolView(
        String pool,
        boolean coordinator,
        String breaker,
        PoolSettingsRegistry.Stored settings,
        double spare,
        double windowCapacity,
        long windowStartedAt,
        double lent,
        double borrowed,
        Map<String, Long> transfers,
        List<Member> members) {

    /**
     * One bucket of the pool.
     *
     * @param tokens         tokens it held at the last tick, less what it lent since
     * @param spare          tokens it may lend: above its reserve, when it may lend
     * @param reserve        tokens it keeps when it lends: its configured reserve, or its forecast demand over the
     *                       pool's horizon (one sizing interval) when that is more
     * @param windowBorrowed tokens it borrowed from this member in the current window
     * @param ruleId         the rule of the bucket (null for a bucket from before buckets were scoped by rule)
     * @param clientId       the client of a {@code {client}} rule's bucket, else null
     * @param borrowLimitPerSecond the sizing loop's borrow limit for it until its next decision, tokens per second (0
     *                       while its server is too loaded to grow); null for none
     */
    @JsonPropertyOrder({
        "key",
        "region",
        "weight",
        "canBorrow",
        "canLend",
        "tokens",
        "spare",
        "reserve",
        "windowBorrowed",
        "lent",
        "borrowed",
        "ruleId",
        "clientId",
        "borrowLimitPerSecond"
    })
    public record Member(
            String key,
            String region,
            double weight,
            boolean canBorrow,
            boolean canLend,
            double tokens,
            double spare,
            double reserve,
            double windowBorrowed,
            double lent,
            double borrowed,
            String ruleId,
            String clientId,
            Double borrowLimitPerSecond) {}

    static PoolView of(PoolStats s, boolean coordinator, PoolSettingsRegistry.Stored settings) {
        return new PoolView(
                s.pool(),
                coordinator,
                s.breaker().label(),
                settings,
                tokens(s.spareNanos()),
                tokens(s.windowCapacityNanos()),
                s.windowStartedAt(),
                tokens(s.lentNanos()),
                tokens(s.borrowedNanos()),
                s.transfers(),
                s.members().stream().map(PoolView::member).toList());
    }

    private static Member member(MemberStats m) {
        StoreKey bucket = StoreKey.decode(m.key());
        return new Member(
                bucket.key(),
                m.region(),
                m.weight(),
                m.canBorrow(),
                m.canLend(),
                tokens(m.tokensNanos()),
                tokens(m.spareNanos()),
                tokens(m.reserveNanos()),
                tokens(m.windowBorrowedNanos()),
                tokens(m.lentNanos()),
                tokens(m.borrowedNanos()),
                bucket.ruleId(),
                bucket.clientId(),
                m.borrowLimitPerSecond());
    }

    /** Nanotokens as tokens. */
    static double tokens(long nanotokens) {
        return nanotokens / (double) Tokens.SCALE;
    }
}
