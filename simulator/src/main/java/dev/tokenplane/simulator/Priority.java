package dev.tokenplane.simulator;

/** A request's class, highest first: under pressure the lower classes are denied first. */
public enum Priority {
    CRITICAL,
    HIGH,
    NORMAL,
    LOW;

    /** Of four values given per class, highest class first, the one of this class. */
    public double pick(double critical, double high, double normal, double low) {
        return switch (this) {
            case CRITICAL -> critical;
            case HIGH -> high;
            case NORMAL -> normal;
            case LOW -> low;
        };
    }
}
