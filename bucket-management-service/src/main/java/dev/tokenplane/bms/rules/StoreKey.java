package dev.tokenplane.bms.rules;

/**
 * Where a bucket lives in the store: the key a caller names, scoped by what the serving rule is scoped by, so that two
 * rules never share one bucket and two clients never share the bucket of a {@code {client}} rule.
 *
 * <p>Encoding: {@code key US ruleId} for a rule without {@code {client}}, {@code key US ruleId US clientId} for a
 * {@code {client}} rule (US is U+001F). Each field is escaped first: ESC (U+001B) becomes {@code ESC 0}, US becomes
 * {@code ESC 1}, and {@code @} in the rule and client fields becomes {@code ESC 2}. So the fields never hold a bare US
 * and the encoding is injective for any strings. A valid bucket key ({@link BucketKeys}) and a valid rule id hold no
 * control character, so for them escaping changes nothing: the store key starts with the caller's key (listing by
 * prefix, key order and the cursor keep working), and the first {@code @} of a store key is the first {@code @} of
 * the caller's key (a {@code key@tenant} partitioning strategy sees the tenant followed by the scope, so one tenant's
 * buckets of one rule and client still share a partition).
 *
 * <p>A store key without US is a bucket from before scoping: its rule is whatever the key matches now.
 *
 * @param key      the caller's bucket key
 * @param ruleId   the rule the bucket belongs to; null only for a bucket from before scoping
 * @param clientId the client of a {@code {client}} rule's bucket, else null
 */
public record StoreKey(String key, String ruleId, String clientId) {
    /** The separator of the fields. */
    public static final char SEP = '\u001F';

    private static final char ESC = '\u001B';

    public StoreKey {
        if (key == null || (ruleId == null && clientId != null)) {
            throw new IllegalArgumentException("a store key needs a key, and a rule for a client");
        }
    }

    /** The scoped key of a bucket of {@code ruleId}, for {@code clientId} (null: a rule without {@code {client}}). */
    public static StoreKey scoped(String key, String ruleId, String clientId) {
        if (ruleId == null) {
            throw new IllegalArgumentException("a scoped bucket needs its rule");
        }
        return new StoreKey(key, ruleId, clientId);
    }

    /** The string the store holds the bucket under. */
    public String encode() {
        if (ruleId == null) {
            return escape(key, false);
        }
        StringBuilder b =
                new StringBuilder(key.length() + ruleId.length() + 2 + (clientId == null ? 0 : clientId.length() + 1));
        b.append(escape(key, false)).append(SEP).append(escape(ruleId, true));
        if (clientId != null) {
            b.append(SEP).append(escape(clientId, true));
        }
        return b.toString();
    }

    /**
     * The store key's fields.
     *
     * @throws IllegalArgumentException when {@code storeKey} has more than three fields or a broken escape
     */
    public static StoreKey decode(String storeKey) {
        int first = storeKey.indexOf(SEP);
        if (first < 0) {
            return new StoreKey(unescape(storeKey), null, null);
        }
        int second = storeKey.indexOf(SEP, first + 1);
        if (second >= 0 && storeKey.indexOf(SEP, second + 1) >= 0) {
            throw new IllegalArgumentException("not a store key: more than three fields");
        }
        String key = unescape(storeKey.substring(0, first));
        String rule = unescape(storeKey.substring(first + 1, second < 0 ? storeKey.length() : second));
        String client = second < 0 ? null : unescape(storeKey.substring(second + 1));
        return new StoreKey(key, rule, client);
    }

    /** The caller's key of {@code storeKey}; a valid caller's key is its own answer. Never throws. */
    public static String keyOf(String storeKey) {
        int first = storeKey.indexOf(SEP);
        String head = first < 0 ? storeKey : storeKey.substring(0, first);
        return head.indexOf(ESC) < 0 ? head : unescape(head);
    }

    /**
     * The start every store key of {@code key}'s scoped buckets has (and no other bucket's: the key ends at US).
     */
    public static String scopesPrefix(String key) {
        return escape(key, false) + SEP;
    }

    /** {@link #describe()} of {@code storeKey}, for logs; never throws. */
    public static String describe(String storeKey) {
        try {
            return decode(storeKey).describe();
        } catch (IllegalArgumentException e) {
            return storeKey.replace(SEP, '|').replace(ESC, '\\');
        }
    }

    /** A readable name for logs: the key, and its rule and client when scoped. */
    public String describe() {
        if (ruleId == null) {
            return key;
        }
        return key + " [rule " + ruleId + (clientId == null ? "" : ", client " + clientId) + "]";
    }

    private static String escape(String s, boolean at) {
        int i = 0;
        while (i < s.length() && !needsEscape(s.charAt(i), at)) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 8).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case ESC -> b.append(ESC).append('0');
                case SEP -> b.append(ESC).append('1');
                case '@' -> b.append(at ? ESC + "2" : "@");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean needsEscape(char c, boolean at) {
        return c == ESC || c == SEP || (at && c == '@');
    }

    private static String unescape(String s) {
        int i = s.indexOf(ESC);
        if (i < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length()).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ESC) {
                b.append(c);
                continue;
            }
            char code = i + 1 < s.length() ? s.charAt(++i) : 'x';
            switch (code) {
                case '0' -> b.append(ESC);
                case '1' -> b.append(SEP);
                case '2' -> b.append('@');
                default -> throw new IllegalArgumentException("not a store key: broken escape");
            }
        }
        return b.toString();
    }
}
