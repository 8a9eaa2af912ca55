package dev.tokenplane.bms.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What adaptive sizing did, per adaptive rule, on this member (each member sizes the buckets its partitions hold, so
 * the cluster's figure is the sum over members, or the least age). One series per rule, never per bucket:
 * <ul>
 *   <li>{@code bms_sizing_buckets{rule}}: the rule's buckets this member sized in its last tick;</li>
 *   <li>{@code bms_sizing_buckets_resized{rule}}: of those, how many are away from the rule's capacity;</li>
 *   <li>{@code bms_sizing_capacity_tokens{rule}}: the sum of their current capacities;</li>
 *   <li>{@code bms_sizing_last_resize_age_seconds{rule}}: seconds since this member last resized one (NaN: never).</li>
 * </ul>
 * A rule's series go when it is deleted or stops being adaptive.
 *
 * <p>Thread-safe: one writer (the sizing tick), any number of scrapes.
 */
public final class SizingGauges {
    /** One tick's figures of one rule on this member. */
    public record RuleFigures(int buckets, int resized, long capacity) {
        public static final RuleFigures NONE = new RuleFigures(0, 0, 0);

        /** These figures and one more bucket of {@code capacity}, resized when it is not {@code ruleCapacity}. */
        public RuleFigures plus(long bucketCapacity, long ruleCapacity) {
            return new RuleFigures(
                    buckets + 1, resized + (bucketCapacity != ruleCapacity ? 1 : 0), capacity + bucketCapacity);
        }
    }

    private final MeterRegistry registry;
    private final InstantSource clock;
    private final Map<String, RuleSeries> byRule = new ConcurrentHashMap<>();

    public SizingGauges(MeterRegistry registry, InstantSource clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /**
     * Publishes one tick: {@code figures} holds every adaptive rule (with {@link RuleFigures#NONE} when this member
     * holds none of its buckets); {@code resizedAt} the rules this tick resized a bucket of, with the time.
     */
    public void publish(Map<String, RuleFigures> figures, Map<String, Long> resizedAt) {
        figures.forEach((rule, f) -> {
            RuleSeries s = byRule.computeIfAbsent(rule, this::register);
            s.figures = f;
            Long at = resizedAt.get(rule);
            if (at != null) {
                s.lastResizeAt = Math.max(s.lastResizeAt, at);
            }
        });
        for (String gone : List.copyOf(byRule.keySet())) {
            if (!figures.containsKey(gone)) {
                byRule.remove(gone).meters.forEach(registry::remove);
            }
        }
    }

    private RuleSeries register(String rule) {
        RuleSeries s = new RuleSeries();
        s.meters.add(Gauge.builder("bms.sizing.buckets", s, x -> x.figures.buckets())
                .tag("rule", rule)
                .description("Buckets of the adaptive rule this member sized in its last tick")
                .register(registry));
        s.meters.add(Gauge.builder("bms.sizing.buckets.resized", s, x -> x.figures.resized())
                .tag("rule", rule)
                .description("Of those, buckets whose capacity differs from the rule's")
                .register(registry));
        s.meters.add(Gauge.builder("bms.sizing.capacity", s, x -> x.figures.capacity())
                .tag("rule", rule)
                .baseUnit("tokens")
                .description("Sum of the current capacities of those buckets")
                .register(registry));
        s.meters.add(Gauge.builder(
                        "bms.sizing.last.resize.age",
                        s,
                        x -> x.lastResizeAt < 0 ? Double.NaN : Math.max(0, clock.millis() - x.lastResizeAt) / 1000.0)
                .tag("rule", rule)
                .baseUnit("seconds")
                .description("Time since this member last resized a bucket of the rule")
                .register(registry));
        return s;
    }

    /** The series of one rule and what they show. */
    private static final class RuleSeries {
        final List<Meter> meters = new ArrayList<>(4);
        volatile RuleFigures figures = RuleFigures.NONE;
        volatile long lastResizeAt = -1;
    }
}
