package dev.tokenplane.simulator;

/** A request's class, highest first: under pressure the lower classes are denied first. */
public enum Priority {
    CRITICAL,
    HIGH,
    NORMAL,
    LOW;

    /** The report's lower-case name ({@code "critical"}). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
