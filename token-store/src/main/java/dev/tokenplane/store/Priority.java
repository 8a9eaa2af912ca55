package dev.tokenplane.store;

import java.util.Locale;

/**
 * The class of a request. Under pressure lower classes are denied first: each class below {@link #CRITICAL} may not
 * take the last reserved share of a bucket ({@link PriorityReserves}), so the tokens left near empty go to the classes
 * above it. With the bucket well above its reserves, every class is treated alike.
 */
public enum Priority {
    CRITICAL,
    HIGH,
    NORMAL,
    LOW;

    /** The class of a request that names none. */
    public static final Priority DEFAULT = NORMAL;

    /** The name on the wire: {@code critical}, {@code high}, {@code normal}, {@code low}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The class named {@code wireName} (case-insensitive); {@link #DEFAULT} for null.
     *
     * @throws IllegalArgumentException for any other name
     */
    public static Priority parse(String wireName) {
        if (wireName == null) {
            return DEFAULT;
        }
        for (Priority p : values()) {
            if (p.name().equalsIgnoreCase(wireName)) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "priority must be one of critical, high, normal, low, was '" + wireName + "'");
    }
}
