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
        InvalidInputException.check(key != null && !key.isEmpty(), field + " is required (1.." + MAX_LENGTH
                + " characters)");
        InvalidInputException.check(key.length() <= MAX_LENGTH,
                field + " must be at most " + MAX_LENGTH + " characters, was " + key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean bad = Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)
                    || c == '\uFFFD'
                    || (Character.isHighSurrogate(c) && (i + 1 >= key.length()
                    || !Character.isLowSurrogate(key.charAt(++i))))
                    || Character.isLowSurrogate(c);
            InvalidInputException.check(!bad, field + " must not contain control characters, whitespace or "
                    + "invalid UTF-8 (position " + i + ")");
        }
        return key;
    }
}
