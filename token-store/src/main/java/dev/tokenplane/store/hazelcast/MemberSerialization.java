package dev.tokenplane.store.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;

/**
 * Turns Java deserialization on a member down to what Hazelcast itself needs: the exceptions it sends back when an
 * operation fails on another member. Everything tokenplane sends between members (processors, predicates, keys,
 * values, results) is {@code IdentifiedDataSerializable}, Compact, or a String/byte array, so a Java-serialized object
 * of any other class (a forged value, a lambda, a gadget chain) is refused when a member reads it.
 *
 * <p>Why not an empty allow-list: Hazelcast 5.6 applies no allow-list at all when its defaults are disabled and the
 * list is empty, and a filter that refuses every class leaves a caller waiting for the operation heartbeat timeout
 * (two minutes) whenever a remote operation throws, because the error response cannot be read. The list below is the
 * smallest one that carries a {@code java.lang} or Hazelcast exception with its stack trace and suppressed list.
 */
public final class MemberSerialization {

    /** Exceptions and what a Throwable's serial form holds (stack trace, suppressed list); strings and boxes. */
    static final String[] PACKAGES = {"java.lang"};
    /** Hazelcast's own exceptions, including the ones that make an invocation retry during migrations. */
    static final String[] PREFIXES = {"com.hazelcast."};

    static final String[] CLASSES = {
        "[Ljava.lang.StackTraceElement;",
        "java.util.Collections$EmptyList",
        "java.util.Collections$UnmodifiableRandomAccessList",
        "java.util.Collections$UnmodifiableList",
        "java.util.Collections$UnmodifiableCollection",
        "java.util.ArrayList",
        "java.io.IOException",
        "java.io.UncheckedIOException"
    };

    private MemberSerialization() {}

    /**
     * Sets the Java serialization filter of {@code config}: Hazelcast's default allow-list off ({@code java*},
     * {@code [*} and {@code com.hazelcast.*}, which admits known gadget classes under {@code javax.} and
     * {@code java.util.}), and only the classes above allowed. Call it on every member's config, tests included.
     *
     * @return {@code config}
     */
    public static Config denyJavaSerialization(Config config) {
        JavaSerializationFilterConfig filter = new JavaSerializationFilterConfig().setDefaultsDisabled(true);
        filter.getWhitelist().addPackages(PACKAGES).addPrefixes(PREFIXES).addClasses(CLASSES);
        config.getSerializationConfig().setJavaSerializationFilterConfig(filter);
        return config;
    }
}
