package dev.tokenplane.bms.rules;

/**
 * What a bucket key may be: 1 to {@value #MAX_LENGTH} characters, none of them a control character, whitespace, an
 * unpaired surrogate or U+FFFD (what a malformed percent-encoded UTF-8 sequence decodes to). Checked once, where a key
 * enters: the path of a request or an item of a batch.
 */
public final class BucketKeys {
    public static final int MAX_LENGTH = 256;

    private BucketKeys() {
    }

    /**
     * @throws InvalidInputException naming {@code field} and the rule the key breaks
     */
    public static String check(String field, String key) {
        // On the hot path of every decision: no message is built unless the key is bad.
        if (key == null || key.isEmpty()) {
            throw new InvalidInputException(field + " is required (1.." + MAX_LENGTH + " characters)");
        }
        if (key.length() > MAX_LENGTH) {
            throw new InvalidInputException(field + " must be at most " + MAX_LENGTH + " characters, was "
                    + key.length());
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean bad = Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)
                    || c == '\uFFFD'
                    || (Character.isHighSurrogate(c) && (i + 1 >= key.length()
                    || !Character.isLowSurrogate(key.charAt(++i))))
                    || Character.isLowSurrogate(c);
            if (bad) {
                throw new InvalidInputException(field + " must not contain control characters, whitespace or "
                        + "invalid UTF-8 (position " + i + ")");
            }
        }
        return key;
    }
}
