package dev.tokenplane.bms.stats;

import java.util.Map;

/**
 * What one member tells the answering member of {@code GET /v1/stats}: its per-second counts and its denied-keys
 * sketch.
 *
 * @param lastSecond  the epoch second of the last slot of every array in {@code counts}
 * @param counts      per rule, {@link DecisionCounters#snapshot}'s arrays
 * @param deniedKeys  the member's {@link DeniedKeys#window}, as {@link DeniedKeys#toBytes}
 */
public record MemberStats(long lastSecond, Map<String, long[]> counts, byte[] deniedKeys) {}
