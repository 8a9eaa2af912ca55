package dev.tokenplane.agent.core;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Chooses devices (network interfaces, disks) by name: a name is taken when it matches {@code include} (if given) and
 * does not match {@code exclude} (if given). Both patterns must match the whole name.
 *
 * @param include names to take; empty takes every name
 * @param exclude names to leave out; empty leaves out none
 */
public record NameFilter(Optional<Pattern> include, Optional<Pattern> exclude) {

    /** Takes every name. */
    public static final NameFilter ALL = new NameFilter(Optional.empty(), Optional.empty());

    /** Whether the device called {@code name} is taken. */
    public boolean accepts(String name) {
        return include.map(p -> p.matcher(name).matches()).orElse(true)
                && !exclude.map(p -> p.matcher(name).matches()).orElse(false);
    }
}
