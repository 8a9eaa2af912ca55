package dev.tokenplane.bms.json;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.tokenplane.bms.agents.AgentReport;
import dev.tokenplane.bms.agents.AgentState;
import dev.tokenplane.bms.audit.AuditRecord;
import dev.tokenplane.bms.buckets.ResizeHistory;
import dev.tokenplane.bms.decide.Decision;
import dev.tokenplane.bms.rules.BucketOverride;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.RuleInput;
import dev.tokenplane.bms.rules.SizingTuning;
import dev.tokenplane.bms.stats.StatsReport;
import dev.tokenplane.bms.transfer.PoolSettingsRegistry;
import dev.tokenplane.store.PriorityReserves;

/**
 * The JSON shape of the domain records (field order, fields left out when null), kept out of the records themselves:
 * Jackson mix-ins, registered on the mappers at the edges that write them, the HTTP edge ({@code http.Json}) and the
 * replicated configuration's codec ({@code config.ConfigCodec}, on disk and between members). The records stay plain
 * Java; the bytes on the wire and on disk are the same as when the records carried the annotations.
 */
public final class DomainJson {

    private DomainJson() {}

    /** The module of the mix-ins, to register on a mapper (a new one each time: modules are mutable). */
    public static Module module() {
        SimpleModule module = new SimpleModule("tokenplane-domain-json");
        module.setMixInAnnotation(Rule.class, RuleShape.class);
        module.setMixInAnnotation(Rule.Adaptive.class, AdaptiveShape.class);
        module.setMixInAnnotation(Rule.Refill.class, RefillShape.class);
        module.setMixInAnnotation(Rule.Transfer.class, TransferShape.class);
        module.setMixInAnnotation(PriorityReserves.class, PriorityReservesShape.class);
        module.setMixInAnnotation(RuleInput.class, RuleInputShape.class);
        module.setMixInAnnotation(SizingTuning.PressureTargets.class, PressureTargetsShape.class);
        module.setMixInAnnotation(SizingTuning.ForecasterChoice.class, ForecasterChoiceShape.class);
        module.setMixInAnnotation(SizingTuning.Damping.class, DampingShape.class);
        module.setMixInAnnotation(BucketOverride.class, BucketOverrideShape.class);
        module.setMixInAnnotation(BucketOverride.TransferOverride.class, TransferOverrideShape.class);
        module.setMixInAnnotation(Decision.class, DecisionShape.class);
        module.setMixInAnnotation(AgentReport.class, AgentReportShape.class);
        module.setMixInAnnotation(AgentState.class, AgentStateShape.class);
        module.setMixInAnnotation(AuditRecord.class, AuditRecordShape.class);
        module.setMixInAnnotation(StatsReport.class, StatsReportShape.class);
        module.setMixInAnnotation(StatsReport.RuleStats.class, RuleStatsShape.class);
        module.setMixInAnnotation(StatsReport.Series.class, SeriesShape.class);
        module.setMixInAnnotation(StatsReport.DeniedKey.class, DeniedKeyShape.class);
        module.setMixInAnnotation(ResizeHistory.Resize.class, ResizeShape.class);
        module.setMixInAnnotation(ResizeHistory.History.class, HistoryShape.class);
        module.setMixInAnnotation(PoolSettingsRegistry.Stored.class, StoredPoolSettingsShape.class);
        return module;
    }

    @JsonPropertyOrder({
        "id",
        "match",
        "tier",
        "capacity",
        "refillPerSecond",
        "refill",
        "minCapacity",
        "maxCapacity",
        "algorithm",
        "idleTtlSeconds",
        "maxBuckets",
        "shadow",
        "adaptive",
        "transfer",
        "priorityReserves",
        "version",
        "updatedAt"
    })
    private interface RuleShape {
        @JsonInclude(JsonInclude.Include.NON_NULL)
        PriorityReserves priorityReserves();

        @JsonInclude(JsonInclude.Include.NON_NULL)
        Long maxBuckets();

        @JsonInclude(JsonInclude.Include.NON_NULL)
        String tier();

        @JsonInclude(JsonInclude.Include.NON_NULL)
        Rule.Refill refill();
    }

    @JsonPropertyOrder({"tokens", "period"})
    private interface RefillShape {}

    @JsonPropertyOrder({"high", "normal", "low"})
    private interface PriorityReservesShape {}

    @JsonPropertyOrder({
        "enabled",
        "thresholdHigh",
        "thresholdLow",
        "growthFactor",
        "shrinkFactor",
        "pressureTargets",
        "forecaster",
        "damping"
    })
    private interface AdaptiveShape {
        @JsonInclude(JsonInclude.Include.NON_NULL)
        SizingTuning.PressureTargets pressureTargets();

        @JsonInclude(JsonInclude.Include.NON_NULL)
        SizingTuning.ForecasterChoice forecaster();

        @JsonInclude(JsonInclude.Include.NON_NULL)
        SizingTuning.Damping damping();
    }

    @JsonPropertyOrder({"pool", "canBorrow", "canLend", "weight", "region", "reserveFraction"})
    private interface TransferShape {}

    /** {@code managedBy} may be echoed back from a {@code GET}; it is ignored. */
    @JsonIgnoreProperties({"managedBy"})
    private interface RuleInputShape {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"cpu", "memory", "netUtilisation", "diskBusy", "latencyP99Ms"})
    private interface PressureTargetsShape {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"type", "alpha", "beta", "phi", "gamma", "seasonTicks", "seasonSlots", "leadTicks"})
    private interface ForecasterChoiceShape {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"maxStepUp", "maxStepDown", "minChange", "cooldownMs"})
    private interface DampingShape {}

    @JsonPropertyOrder({"key", "capacity", "refillPerSecond", "expiresAt", "transfer", "version", "updatedAt"})
    private interface BucketOverrideShape {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"pool", "canBorrow", "canLend", "weight", "region", "reserveFraction"})
    private interface TransferOverrideShape {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({
        "key",
        "granted",
        "tokens",
        "remaining",
        "capacity",
        "refillPerSecond",
        "waitMs",
        "retryAfterMs",
        "borrowed",
        "ruleId",
        "shadow",
        "shadowDenied"
    })
    private interface DecisionShape {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({
        "serverId",
        "timestamp",
        "region",
        "pool",
        "cpu",
        "memory",
        "loadPerCore",
        "netRxBytesPerSec",
        "netTxBytesPerSec",
        "diskReadBytesPerSec",
        "diskWriteBytesPerSec",
        "netUtilisation",
        "diskBusy",
        "requestsPerSecond",
        "latencyP50Ms",
        "latencyP99Ms"
    })
    private interface AgentReportShape {}

    @JsonPropertyOrder({"serverId", "region", "pool", "lastReportAt", "reports", "received"})
    private interface AgentStateShape {}

    @JsonPropertyOrder({
        "id",
        "at",
        "time",
        "credential",
        "method",
        "path",
        "route",
        "object",
        "status",
        "versionBefore",
        "versionAfter",
        "member"
    })
    private interface AuditRecordShape {
        /** The record's time as ISO-8601, for people reading the JSON; written, never read. */
        @JsonProperty(value = "time", access = JsonProperty.Access.READ_ONLY)
        String time();
    }

    @JsonPropertyOrder({"windowSeconds", "to", "members", "membersAnswered", "rules", "topDeniedKeys"})
    private interface StatsReportShape {}

    @JsonPropertyOrder({"ruleId", "granted", "denied", "shadowDenied", "perSecond"})
    private interface RuleStatsShape {}

    @JsonPropertyOrder({"granted", "denied", "shadowDenied"})
    private interface SeriesShape {}

    @JsonPropertyOrder({"key", "ruleId", "denials", "lowerBound"})
    private interface DeniedKeyShape {}

    @JsonPropertyOrder({"at", "capacity", "refillPerSecond", "reason"})
    private interface ResizeShape {}

    @JsonPropertyOrder({"lastResizedAt", "history"})
    private interface HistoryShape {}

    @JsonPropertyOrder({
        "pool",
        "canBorrow",
        "canLend",
        "weight",
        "reserveFraction",
        "breaker",
        "borrowBudget",
        "version",
        "updatedAt"
    })
    private interface StoredPoolSettingsShape {}
}
