package dev.tokenplane.chaos;

import java.util.List;

/**
 * What one fault measured.
 *
 * @param fault              the fault
 * @param injectedAt         seconds since the run's start
 * @param recoveredAt        when the fault was ended (seconds since the run's start)
 * @param wholeAt            when every member was ready and saw all three again
 * @param recoverySeconds    from ending the fault to the cluster whole again
 * @param keys               over-admission per measured key
 * @param poolInitial        tokens the fault's pool started with
 * @param poolFinal          tokens its buckets held once settled after the fault
 * @param poolGranted        tokens granted from it, proven by an answer
 * @param poolUnknown        tokens asked by calls whose effect is unknown (cut, timed out, 5xx)
 * @param writesAcked        configuration writes acknowledged during the fault
 * @param writesRefused      configuration writes answered with an error during the fault
 * @param decisions          decisions sent during the fault
 * @param within100ms        share of them answered (granted or denied) within 100 ms
 */
record PhaseResult(
        Fault fault,
        double injectedAt,
        double recoveredAt,
        double wholeAt,
        double recoverySeconds,
        List<KeyResult> keys,
        long poolInitial,
        long poolFinal,
        long poolGranted,
        long poolUnknown,
        int writesAcked,
        int writesRefused,
        int decisions,
        double within100ms) {

    /** Over-admission on one key during the fault. */
    record KeyResult(String key, double excess, double overBound) {}

    /** Tokens the pool holds or granted beyond what it started with; positive would be tokens created. */
    long poolCreated() {
        return poolFinal + poolGranted - poolInitial;
    }

    double maxExcess() {
        return keys.stream().mapToDouble(KeyResult::excess).max().orElse(0);
    }

    boolean withinBound() {
        return keys.stream().allMatch(k -> k.overBound() <= 1e-9);
    }
}
