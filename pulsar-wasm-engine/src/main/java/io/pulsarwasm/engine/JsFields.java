package io.pulsarwasm.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The JavaScript bridge's wire format: a list of fields, each {@code -} (null) or {@code
 * <length>:<text>}, the length in UTF-16 units (which JavaScript and Java strings share).
 */
final class JsFields {

    private JsFields() {}

    /** @return one field holding {@code text} */
    static String of(String text) {
        return text.length() + ":" + text;
    }

    /** @return field {@code at}, which must be there and not null */
    static String field(String name, List<String> f, int at) {
        if (at >= f.size() || f.get(at) == null) {
            throw new AbiViolationException(name + ": field " + at + " is missing");
        }
        return f.get(at);
    }

    /** @return a field as an integer */
    static long parseLong(String name, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new AbiViolationException(name + ": '" + text + "' is not an integer");
        }
    }

    /** @return a field as a number */
    static double parseDouble(String name, String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new AbiViolationException(name + ": '" + text + "' is not a number");
        }
    }

    /** @return the fields of a text in the wire format, or an error naming where it is malformed */
    static List<String> decode(String name, String text) {
        List<String> fields = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            if (text.charAt(at) == '-') {
                fields.add(null);
                at++;
                continue;
            }
            int colon = text.indexOf(':', at);
            int length;
            try {
                length = colon < 0 ? -1 : Integer.parseInt(text, at, colon, 10);
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 0 || colon + 1L + length > text.length()) {
                throw new AbiViolationException(name + ": malformed bridge fields at offset " + at);
            }
            fields.add(text.substring(colon + 1, colon + 1 + length));
            at = colon + 1 + length;
        }
        return fields;
    }
}
