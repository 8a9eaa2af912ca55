package dev.tokenplane.sizing;

/**
 * Everything {@link SizingPolicy#decide(long, SizingInput)} needs about one bucket at one tick.
 *
 * @param current  the bucket's effective capacity and refill now
 * @param limits   min and max capacity, and the rule's refill-to-capacity ratio
 * @param settings the rule's adaptive settings
 * @param demand   the demand counters drained from the bucket since the last tick
 * @param load     the latest load of the bucket's server or pool, or why there is none
 * @param state    what the policy returned for this bucket last tick ({@link SizingState#initial()} the first time)
 * @param pinned   an operator's override holds the bucket: the policy must not change it
 */
public record SizingInput(
        BucketSize current,
        SizeLimits limits,
        AdaptiveSettings settings,
        DemandWindow demand,
        LoadSignal load,
        SizingState state,
        boolean pinned) {

    public SizingInput {
        Ranges.required("current", current);
        Ranges.required("limits", limits);
        Ranges.required("settings", settings);
        Ranges.required("demand", demand);
        Ranges.required("load", load);
        Ranges.required("state", state);
    }
}
