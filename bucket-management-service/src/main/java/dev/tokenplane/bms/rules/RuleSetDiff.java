package dev.tokenplane.bms.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What applying a whole rule set would change: rules {@code added}, {@code changed} (with their current version,
 * the precondition of their write), {@code removed} (in the cluster, absent from the set) and {@code unchanged}.
 * Versions and times are not compared. Pure.
 */
public record RuleSetDiff(List<Rule> added, List<Change> changed, List<Rule> removed, List<Rule> unchanged) {

    /** A rule whose stored form {@code before} differs from the set's {@code after}. */
    public record Change(Rule before, Rule after) {}

    public static RuleSetDiff of(Collection<Rule> current, List<Rule> desired) {
        Map<String, Rule> existing = new LinkedHashMap<>();
        current.stream().sorted(Comparator.comparing(Rule::id)).forEach(r -> existing.put(r.id(), r));
        List<Rule> added = new ArrayList<>();
        List<Change> changed = new ArrayList<>();
        List<Rule> unchanged = new ArrayList<>();
        for (Rule wanted :
                desired.stream().sorted(Comparator.comparing(Rule::id)).toList()) {
            Rule before = existing.remove(wanted.id());
            if (before == null) {
                added.add(wanted);
            } else if (before.withVersion(0, 0).equals(wanted.withVersion(0, 0))) {
                unchanged.add(before);
            } else {
                changed.add(new Change(before, wanted));
            }
        }
        return new RuleSetDiff(added, changed, List.copyOf(existing.values()), unchanged);
    }
}
