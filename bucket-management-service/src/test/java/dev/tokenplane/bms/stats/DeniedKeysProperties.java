package dev.tokenplane.bms.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;

/** The denied-keys sketch under floods of distinct keys: its size stays fixed and the heavy hitters are found. */
class DeniedKeysProperties {
    private static final int SIZE = 64;

    @Property(tries = 30)
    void shouldFindHeavyHittersInAFloodWithFixedMemory(
            @ForAll @IntRange(min = 1, max = 5) int heavy,
            @ForAll @IntRange(min = 2_000, max = 40_000) int distinct,
            @ForAll long seed) {
        Random random = new Random(seed);
        DeniedKeys keys = new DeniedKeys(5, SIZE);
        long now = 600_000;
        int floodDenials = distinct * 2;
        // Each heavy key gets 5% of all denials: well above the sketch's error bound (about 4/(3*64) ~ 2%)
        int perHeavy = floodDenials / 15;
        int maxBytes = 0;
        for (int i = 0; i < floodDenials + heavy * perHeavy; i++) {
            int pick = random.nextInt(floodDenials + heavy * perHeavy);
            String key = pick < heavy * perHeavy ? "heavy-" + (pick % heavy) : "flood-" + random.nextInt(distinct);
            keys.record(key, now + (i % 240_000));
            if (i % 5_000 == 0) {
                maxBytes = Math.max(maxBytes, DeniedKeys.toBytes(keys.window(now + 240_000)).length);
            }
        }

        ItemsSketch<String> window = keys.window(now + 240_000);
        Set<String> found = List.of(window.getFrequentItems(ErrorType.NO_FALSE_NEGATIVES)).stream()
                .map(ItemsSketch.Row::getItem)
                .collect(Collectors.toSet());
        for (int h = 0; h < heavy; h++) {
            assertThat(found).contains("heavy-" + h);
        }
        // Fixed memory: never more items than the map holds, whatever the number of distinct keys
        assertThat(window.getNumActiveItems()).isLessThanOrEqualTo(SIZE);
        assertThat(maxBytes).isLessThan(SIZE * 40);
    }
}
