package dev.tokenplane.bms.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * A compiled rule pattern. {@code *} matches any run of characters (including none); {@code {client}} stands for the
 * client id of the caller's API key, and a pattern that uses it matches nothing for a caller without one. Every other
 * character is literal.
 *
 * <p>Specificity, for choosing between rules that match the same key (most specific first): a literal pattern (no
 * {@code *}) before a glob, then the longer literal prefix (the characters before the first {@code *}, with the client
 * id substituted), then more literal characters in all. {@link RuleIndex} breaks the remaining ties by rule id.
 *
 * <p>Immutable and thread-safe.
 */
public final class RulePattern {
    public static final String CLIENT = "{client}";
    public static final int MAX_LENGTH = 256;

    private final String source;
    /** The pattern split at each {@code *}; a pattern without {@code *} has one segment. */
    private final String[] segments;

    private final boolean usesClient;

    private RulePattern(String source, String[] segments, boolean usesClient) {
        this.source = source;
        this.segments = segments;
        this.usesClient = usesClient;
    }

    /**
     * @throws InvalidInputException when the pattern is empty, too long, has control characters or whitespace, or has
     *                               braces other than {@code {client}}
     */
    public static RulePattern compile(String pattern) {
        InvalidInputException.check(
                pattern != null && !pattern.isEmpty() && pattern.length() <= MAX_LENGTH,
                "match must be 1.." + MAX_LENGTH + " characters");
        String withoutClient = pattern.replace(CLIENT, "");
        InvalidInputException.check(
                withoutClient.indexOf('{') < 0 && withoutClient.indexOf('}') < 0,
                "match may contain braces only as {client}");
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            InvalidInputException.check(
                    !Character.isISOControl(c) && !Character.isWhitespace(c),
                    "match must not contain control characters or whitespace");
        }
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int star = pattern.indexOf('*'); star >= 0; star = pattern.indexOf('*', from)) {
            parts.add(pattern.substring(from, star));
            from = star + 1;
        }
        parts.add(pattern.substring(from));
        return new RulePattern(pattern, parts.toArray(String[]::new), pattern.contains(CLIENT));
    }

    public String source() {
        return source;
    }

    /** True when the pattern has no {@code *}: it matches one key (per client). */
    public boolean isLiteral() {
        return segments.length == 1;
    }

    public boolean usesClient() {
        return usesClient;
    }

    /**
     * Matches {@code key} for a caller with {@code clientId} (null when the caller has none).
     *
     * @return how specific the match is, or null when the pattern does not match
     */
    public Specificity match(String key, String clientId) {
        String[] segs = segments;
        if (usesClient) {
            if (clientId == null) {
                return null;
            }
            segs = new String[segments.length];
            for (int i = 0; i < segs.length; i++) {
                segs[i] = segments[i].replace(CLIENT, clientId);
            }
        }
        int literalChars = 0;
        for (String s : segs) {
            literalChars += s.length();
        }
        if (segs.length == 1) {
            return key.equals(segs[0]) ? new Specificity(true, literalChars, literalChars) : null;
        }
        String first = segs[0];
        String last = segs[segs.length - 1];
        if (key.length() < first.length() + last.length() || !key.startsWith(first) || !key.endsWith(last)) {
            return null;
        }
        // Leftmost matching of the middle segments is enough for '*'-only globs.
        int at = first.length();
        int end = key.length() - last.length();
        for (int i = 1; i < segs.length - 1; i++) {
            int found = key.indexOf(segs[i], at);
            if (found < 0 || found + segs[i].length() > end) {
                return null;
            }
            at = found + segs[i].length();
        }
        return new Specificity(false, first.length(), literalChars);
    }

    /**
     * How specific a match is. Compare with {@link #compareTo}: greater is more specific.
     *
     * @param literal      the pattern has no {@code *}
     * @param prefixLength literal characters before the first {@code *}
     * @param literalChars literal characters in all
     */
    public record Specificity(boolean literal, int prefixLength, int literalChars) implements Comparable<Specificity> {
        @Override
        public int compareTo(Specificity o) {
            if (literal != o.literal) {
                return literal ? 1 : -1;
            }
            if (prefixLength != o.prefixLength) {
                return Integer.compare(prefixLength, o.prefixLength);
            }
            return Integer.compare(literalChars, o.literalChars);
        }
    }

    @Override
    public String toString() {
        return source;
    }
}
