package io.pulsarwasm.function.internal.record;

/**
 * The rule for text a guest's JSON gives a record: a JSON escape may name a lone surrogate
 * ({@code "\ud800"}), which UTF-8 cannot hold (Java would write it as {@code ?}); each one becomes
 * U+FFFD, as JavaScript's {@code TextEncoder} and the JavaScript bridge do.
 */
final class WellFormed {

    private WellFormed() {}

    /**
     * @param text a string from JSON
     * @return the same string, or a copy with every unpaired surrogate replaced by U+FFFD
     */
    static String text(String text) {
        int at = firstLone(text);
        if (at < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        out.append(text, 0, at);
        for (int i = at; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    private static int firstLone(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
