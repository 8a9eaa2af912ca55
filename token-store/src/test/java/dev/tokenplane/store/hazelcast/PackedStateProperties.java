package dev.tokenplane.store.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.store.Algorithm;
import dev.tokenplane.store.BucketMath;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.TransferLog;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The packed entry format is exact for every state, and small for ordinary ones. */
class PackedStateProperties {

    private static final long NOW = 1_700_000_000_000L;

    @Property
    void shouldDecodeExactlyWhatWasEncoded(@ForAll("states") BucketState state) {
        assertThat(PackedState.decode(PackedState.encode(state))).isEqualTo(state);
    }

    @Property
    void shouldDecodeAStateWrittenOverAnEarlierOne(
            @ForAll("states") BucketState earlier, @ForAll("states") BucketState next) {
        byte[] stored = PackedState.encodeInto(earlier, null);

        byte[] written = PackedState.encodeInto(next, stored);

        assertThat(PackedState.decode(written)).isEqualTo(next);
        assertThat(written.length % 8).as("padded to the heap's 8-byte granule").isZero();
        if (PackedState.encode(next).length <= stored.length) {
            assertThat(written).isSameAs(stored);
        }
    }

    @Property
    void shouldCopyABackupsStateOverTheArrayItHolds(
            @ForAll("states") BucketState earlier, @ForAll("states") BucketState next) {
        byte[] stored = PackedState.encodeInto(earlier, null);
        byte[] received = PackedState.encodeInto(next, null);

        byte[] written = PackedState.copyInto(received, stored);

        assertThat(PackedState.decode(written)).isEqualTo(next);
        assertThat(written).isSameAs(received.length <= stored.length ? stored : received);
    }

    /**
     * The idle sweep's query reads arrays while their partition threads overwrite them: whatever mix of two states'
     * bytes (or any bytes at all) it reads, it answers, and never throws or allocates on a torn length.
     */
    @Property
    void shouldNominateOrSkipATornStateWithoutFailing(
            @ForAll("states") BucketState earlier,
            @ForAll("states") BucketState next,
            @ForAll long tornBits,
            @ForAll byte[] noise) {
        byte[] before = PackedState.encodeInto(earlier, null);
        byte[] after = PackedState.encodeInto(next, before.clone());
        byte[] torn = before.clone();
        for (int i = 0; i < Math.min(torn.length, after.length); i++) {
            if ((tornBits >>> (i % 64) & 1) != 0) {
                torn[i] = after[i];
            }
        }
        IdlePredicate idle = new IdlePredicate(NOW);

        idle.apply(Map.entry("k", torn));
        idle.apply(Map.entry("k", noise));
    }

    @Example
    void shouldPackAnOrdinaryBucketInSixteenBytesOrFewer() {
        // Given a bucket of 10 tokens refilling 10/s with a one-hour idle TTL, after one acquire and 1.234 s of refill
        BucketSpec spec = BucketSpec.of(10, 10).withIdleTtlMillis(3_600_000);
        BucketState afterAcquire = BucketMath.acquire(null, spec, 3, 0, NOW).next();
        BucketState refilled =
                BucketMath.acquire(afterAcquire, spec, 1, 0, NOW + 1_234).next();

        // Then both pack into at most 16 bytes (a 32-byte array on the heap)
        assertThat(PackedState.encode(afterAcquire)).hasSizeLessThanOrEqualTo(16);
        assertThat(PackedState.encode(refilled)).hasSizeLessThanOrEqualTo(16);
    }

    @Example
    void shouldRejectAnUnknownFormat() {
        byte[] bytes = PackedState.encode(BucketMath.create(BucketSpec.of(1, 1), NOW));
        bytes[0] |= (byte) 0x80;

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PackedState.decode(bytes))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("format");
    }

    @Provide
    Arbitrary<BucketState> states() {
        Arbitrary<Long> anyLong = Arbitraries.oneOf(
                Arbitraries.longs(),
                Arbitraries.longs().between(-5, 5).map(l -> l * 1_000_000_000L),
                Arbitraries.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 1_000_000L, 999L));
        Arbitrary<Long> epoch = Arbitraries.longs().between(NOW - 1_000_000, NOW + 1_000_000_000);
        Arbitrary<TransferLog> logs = Arbitraries.oneOf(
                Arbitraries.just(null),
                Combinators.combine(
                                anyLong.list().ofMaxSize(TransferLog.CAPACITY),
                                Arbitraries.oneOf(
                                        Arbitraries.just(0L),
                                        Arbitraries.longs().greaterOrEqual(0)))
                        .as((ids, watermark) -> new TransferLog(
                                ids.stream().mapToLong(Long::longValue).toArray(),
                                ids.stream().mapToLong(id -> id * 7).toArray(),
                                watermark)));
        return Combinators.combine(
                        anyLong,
                        epoch,
                        Arbitraries.longs().between(0, 1_000_000_000L),
                        anyLong,
                        Arbitraries.of(Algorithm.class),
                        anyLong,
                        anyLong,
                        anyLong)
                .as((tokens, last, capacity, rate, algorithm, generation, ttl, attempted) ->
                        new long[] {tokens, last, capacity, rate, algorithm.ordinal(), generation, ttl, attempted})
                .flatMap(f -> Combinators.combine(anyLong, epoch, logs)
                        .as((granted, windowStart, log) -> new BucketState(
                                f[0],
                                f[1],
                                f[2],
                                f[3],
                                Algorithm.values()[(int) f[4]],
                                f[5],
                                f[6],
                                f[7],
                                granted,
                                windowStart,
                                log)));
    }
}
