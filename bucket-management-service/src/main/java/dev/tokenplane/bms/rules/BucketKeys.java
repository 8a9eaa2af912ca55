package dev.tokenplane.bms.rules;

/**
 * What a bucket key may be: 1 to {@value #MAX_LENGTH} characters, none of them a control character, whitespace, an
 * unpaired surrogate or U+FFFD (what a malformed percent-encoded UTF-8 sequence decodes to). Checked once, where a key
 * enters: the path of a request or an item of a batch.
 *
 * <p>A key may name {@value #CLIENT}: the BMS puts the caller's client id (of its API key) in its place, so a
 * middleware that forwards its callers' API keys gets one bucket per client without knowing the client ids, and
 * without any secret in a key.
 */
public final class BucketKeys {
    public static final int MAX_LENGTH = 256;
    /** The placeholder of the caller's client id in a key. */
    public static final String CLIENT = "{client}";

    private BucketKeys() {}

    /**
     * @throws InvalidInputException naming {@code field} and the rule the key breaks
     */
    public static String check(String field, String key) {
        // On the hot path of every decision: no message is built unless the key is bad.
        if (key == null || key.isEmpty()) {
            throw new InvalidInputException(field + " is required (1.." + MAX_LENGTH + " characters)");
        }
        if (key.length() > MAX_LENGTH) {
            throw new InvalidInputException(
                    field + " must be at most " + MAX_LENGTH + " characters, was " + key.length());
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean bad = Character.isISOControl(c)
                    || Character.isWhitespace(c)
                    || Character.isSpaceChar(c)
                    || c == '\uFFFD'
                    || (Character.isHighSurrogate(c)
                            && (i + 1 >= key.length() || !Character.isLowSurrogate(key.charAt(++i))))
                    || Character.isLowSurrogate(c);
            if (bad) {
                throw new InvalidInputException(field + " must not contain control characters, whitespace or "
                        + "invalid UTF-8 (position " + i + ")");
            }
        }
        return key;
    }

    /**
     * {@code key} (already {@link #check checked}) with every {@value #CLIENT} replaced by {@code clientId}.
     *
     * @throws InvalidInputException naming {@code field} when the key names {@value #CLIENT} and the caller has no
     *                               client id, or when the result is not a valid key
     */
    public static String forClient(String field, String key, String clientId) {
        if (!key.contains(CLIENT)) {
            return key;
        }
        if (clientId == null) {
            throw new InvalidInputException(field + " names " + CLIENT + ", the client id of the caller's API key: "
                    + "that needs an API key (X-Api-Key, with BMS_API_KEYS_FILE set)");
        }
        return check(field, key.replace(CLIENT, clientId));
    }
}
