package dev.tokenplane.bms.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The body of {@code PUT /v1/rules}: a whole rule set, each entry shaped like the body of {@code PUT /v1/rules/{id}}
 * with its {@code id} required.
 */
public record RuleSetInput(List<RuleInput> rules) {
    /** The most rules one set may hold. */
    public static final int MAX_RULES = 10_000;

    /**
     * Validates every rule before anything is written.
     *
     * @throws InvalidInputException {@code rules[i] (id): <what is wrong>} for the first bad entry
     */
    public List<Rule> toRules() {
        InvalidInputException.check(rules != null, "rules is required (a list, possibly empty)");
        InvalidInputException.check(rules.size() <= MAX_RULES, "rules may hold at most " + MAX_RULES + " rules");
        List<Rule> out = new ArrayList<>(rules.size());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            RuleInput input = rules.get(i);
            InvalidInputException.check(input != null, "rules[" + i + "]: must be an object");
            InvalidInputException.check(input.id() != null, "rules[" + i + "]: id is required");
            try {
                InvalidInputException.check(ids.add(input.id()), "duplicate rule id " + input.id());
                out.add(input.toRule(input.id()));
            } catch (InvalidInputException e) {
                throw new InvalidInputException("rules[" + i + "] (" + input.id() + "): " + e.getMessage());
            }
        }
        return out;
    }
}
