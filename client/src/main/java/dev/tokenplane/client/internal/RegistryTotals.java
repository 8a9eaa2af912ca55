package dev.tokenplane.client.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * The gauges and function counters that every client of one registry feeds: one meter per name, whose value is the sum
 * over the open clients. Micrometer keeps the first meter registered under a name and hands it to later registrations,
 * so without this a second client's values were never seen, and the first client's close removed the meter that the
 * second still fed. A counter also keeps what its closed clients counted, so it never goes down while a client of the
 * registry is open. A meter is removed when the last client feeding it closes. Thread-safe.
 */
final class RegistryTotals {
    /** Weak keys: the registries belong to the application; a value must not refer to its key. */
    private static final Map<MeterRegistry, Map<String, Total>> BY_REGISTRY = new WeakHashMap<>();

    private RegistryTotals() {}

    /** One client's part of a gauge: how much of something it holds now. */
    static AutoCloseable gauge(MeterRegistry registry, String name, Supplier<Number> value) {
        return join(
                registry,
                name,
                value,
                false,
                total -> Gauge.builder(name, total, Total::sum).register(registry));
    }

    /** One client's part of a counter (a count that only grows while the client is open). */
    static AutoCloseable counter(MeterRegistry registry, String name, String description, Supplier<Number> value) {
        return join(
                registry,
                name,
                value,
                true,
                total -> FunctionCounter.builder(name, total, Total::sum)
                        .description(description)
                        .register(registry));
    }

    private static AutoCloseable join(
            MeterRegistry registry,
            String name,
            Supplier<Number> value,
            boolean counter,
            java.util.function.Function<Total, Meter> meter) {
        synchronized (BY_REGISTRY) {
            Map<String, Total> totals = BY_REGISTRY.computeIfAbsent(registry, r -> new HashMap<>());
            Total total = totals.computeIfAbsent(name, n -> new Total(counter));
            if (total.meter == null) {
                total.meter = meter.apply(total);
            }
            total.open.add(value);
        }
        return () -> leave(registry, name, value);
    }

    private static void leave(MeterRegistry registry, String name, Supplier<Number> value) {
        synchronized (BY_REGISTRY) {
            Map<String, Total> totals = BY_REGISTRY.getOrDefault(registry, Map.of());
            Total total = totals.get(name);
            if (total == null || !total.open.remove(value)) {
                return; // closed already
            }
            if (total.counter) {
                total.closed += value.get().doubleValue();
            }
            if (total.open.isEmpty()) {
                registry.remove(total.meter);
                totals.remove(name);
            }
        }
    }

    /** The clients feeding one meter. */
    private static final class Total {
        final boolean counter;
        final List<Supplier<Number>> open = new ArrayList<>();
        /** What the closed clients of a counter had counted. */
        double closed;

        Meter meter;

        Total(boolean counter) {
            this.counter = counter;
        }

        double sum() {
            synchronized (BY_REGISTRY) {
                double sum = closed;
                for (Supplier<Number> value : open) {
                    sum += value.get().doubleValue();
                }
                return sum;
            }
        }
    }
}
