package dev.tokenplane.sizing;

/**
 * What the caller knows of the load behind a bucket this tick.
 *
 * <ul>
 *   <li>{@link Untracked}: the bucket follows only its own demand (a client bucket with no server or pool); pressure 0.
 *   <li>{@link Missing}: the bucket follows a server or pool, but no report has arrived; the policy holds.
 *   <li>{@link Reported}: the latest sample; the policy holds if it is older than
 *       {@link DampingConfig#staleAfterMillis()}.
 * </ul>
 */
public sealed interface LoadSignal {

    /** The bucket is not driven by any server's load. */
    record Untracked() implements LoadSignal {}

    /** The bucket is driven by a server's or pool's load, and there is no report for it. */
    record Missing() implements LoadSignal {}

    /** The latest report. */
    record Reported(LoadSample sample) implements LoadSignal {
        public Reported {
            Ranges.required("sample", sample);
        }
    }

    static LoadSignal untracked() {
        return new Untracked();
    }

    static LoadSignal missing() {
        return new Missing();
    }

    static LoadSignal of(LoadSample sample) {
        return new Reported(sample);
    }
}
