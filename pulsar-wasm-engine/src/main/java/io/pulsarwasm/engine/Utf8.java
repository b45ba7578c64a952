package io.pulsarwasm.engine;

import java.nio.charset.StandardCharsets;
import run.endive.runtime.Memory;

/**
 * Text the JavaScript engine hands over as UTF-8 in its memory, where the length is known in UTF-16
 * units (JavaScript's {@code length}), not in bytes: a string may hold U+0000, so its C string does
 * not end at the first NUL. The engine writes each UTF-16 unit below U+0800 as one or two bytes, any
 * other BMP unit (a lone surrogate included) as three, and a surrogate pair as four.
 */
final class Utf8 {

    private Utf8() {}

    /**
     * @param at where the text starts
     * @param units its length in UTF-16 units
     * @return the text; a lone surrogate becomes U+FFFD (see {@link #wellFormed}), other malformed
     *     UTF-8 too, as Java decodes it
     */
    static String read(Memory memory, int at, int units) {
        if (units == 0) {
            return "";
        }
        // at most three bytes per unit, never past the memory's end
        long available = (long) memory.pages() * 65536 - Integer.toUnsignedLong(at);
        int window = (int) Math.min(available, 3L * units);
        byte[] bytes = memory.readBytes(at, window);
        int length = byteLength(bytes, units);
        return new String(wellFormed(bytes), 0, length, StandardCharsets.UTF_8);
    }

    /** @return how many bytes hold the first {@code units} UTF-16 units */
    static int byteLength(byte[] utf8, int units) {
        int at = 0;
        int counted = 0;
        while (counted < units && at < utf8.length) {
            int lead = utf8[at] & 0xff;
            if (lead < 0x80) {
                at++;
                counted++;
            } else if (lead >= 0xf0) {
                at += 4;
                counted += 2;
            } else if (lead >= 0xe0) {
                at += 3;
                counted++;
            } else {
                at += 2;
                counted++;
            }
        }
        return Math.min(at, utf8.length);
    }

    /**
     * Makes the engine's UTF-8 well-formed in place: it writes a lone surrogate as the three bytes
     * of its code unit ({@code ED A0..BF xx}), which become U+FFFD ({@code EF BF BD}), as
     * {@code TextEncoder} does.
     *
     * @return the same array
     */
    static byte[] wellFormed(byte[] utf8) {
        for (int i = 0; i + 2 < utf8.length; i++) {
            if ((utf8[i] & 0xff) == 0xed && (utf8[i + 1] & 0xff) >= 0xa0) {
                utf8[i] = (byte) 0xef;
                utf8[i + 1] = (byte) 0xbf;
                utf8[i + 2] = (byte) 0xbd;
                i += 2;
            }
        }
        return utf8;
    }
}
